using VisionCuda.Backends;
using VisionCuda.Reference;

namespace VisionCuda.Bench.Cases;

/// <summary>
/// SGEMM C[m,n] = A[m,k] * op(B) (row-major), 2*m*n*k flops. Checked against the naive oracle
/// (src/VisionCuda.Reference/ReferenceGemm) on up to 16 rows of C spread over the matrix: rows of A are contiguous,
/// so the oracle computes exactly those rows at a 1/(m/16) of the full naive cost.
/// </summary>
public sealed class GemmCase(int m, int n, int k, bool transB, string? label = null)
    : KernelCase("gemm", $"{m}x{n}x{k}{(transB ? " B^T" : "")}{(label is null ? "" : " " + label)}", 2.0 * m * n * k, WorkUnit.Flops)
{
    private float[] _a = null!, _b = null!;
    private Storage _sa = null!, _sb = null!, _sc = null!;

    protected override void Allocate()
    {
        _a = Uniform((long)m * k, 1);
        _b = Uniform((long)k * n, 2);
        _sa = Up(_a);
        _sb = Up(_b);
        _sc = Alloc((long)m * n);
    }

    public override void Run() => Backend.Gemm(false, transB, m, n, k, 1f, _sa, 0, 0, _sb, 0, 0, 0f, _sc, 0, 0);

    public override CheckResult Check()
    {
        Run();
        var c = Down(_sc, (long)m * n);
        int rows = Math.Min(m, 16);
        var parts = new List<CheckResult>();
        for (int t = 0; t < rows; t++)
        {
            int row = rows == m ? t : (int)((long)t * (m - 1) / (rows - 1));
            var expected = new float[n];
            ReferenceGemm.Gemm(false, transB, 1, n, k, 1f, _a, (long)row * k, 0, _b, 0, 0, 0f, expected, 0, 0);
            parts.Add(Compare.Check($"C row {row}", c.AsSpan(row * n, n), expected, Compare.ReductionRtol));
        }
        return CheckResult.Combine(parts.ToArray());
    }
}
