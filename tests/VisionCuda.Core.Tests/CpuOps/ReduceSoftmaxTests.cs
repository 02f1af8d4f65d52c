using VisionCuda.Backends;
using VisionCuda.Cpu;

namespace VisionCuda.Core.Tests.CpuOps;

public class ReduceSoftmaxTests
{
    public static TheoryData<int, int, int> Dims => new()
    {
        { 1, 1037, 1 }, { 13, 57, 1 }, { 3, 7, 5 }, { 2, 300, 33 }, { 5, 3, 259 }, { 1, 1, 17 }, { 4, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Dims))]
    public void Sum_mean_max_match_loops(int outer, int dim, int inner)
    {
        int n = outer * dim * inner;
        var x = H.Rand(n, 30);
        x[n / 2] = x[0]; // a tie somewhere
        var sx = H.Up(x);
        var sum = new double[outer * inner];
        var max = new double[outer * inner];
        var arg = new int[outer * inner];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            double s = 0;
            float m = float.NegativeInfinity;
            int k = -1;
            for (int d = 0; d < dim; d++)
            {
                float v = x[(o * dim + d) * inner + i];
                s += v;
                if (k < 0 || v > m) { m = v; k = d; }
            }
            sum[o * inner + i] = s;
            max[o * inner + i] = m;
            arg[o * inner + i] = k;
        }
        var y = H.Empty(outer * inner);
        H.Cpu.Reduce(ReduceOp.Sum, sx, y, outer, dim, inner);
        H.Close(sum, H.Down(y, outer * inner), H.RedRel, H.RedAbs, "sum");
        H.Cpu.Reduce(ReduceOp.Mean, sx, y, outer, dim, inner);
        H.Close(sum.Select(v => v / dim).ToArray(), H.Down(y, outer * inner), H.RedRel, H.RedAbs, "mean");
        var am = H.Empty(outer * inner, DType.Int32);
        H.Cpu.Reduce(ReduceOp.Max, sx, y, outer, dim, inner, am);
        H.Close(max, H.Down(y, outer * inner), 0, 0, "max");
        Assert.Equal(arg, H.DownInt(am, outer * inner));

        // Backwards.
        var dy = H.Rand(outer * inner, 31);
        var dx = H.Empty(n);
        foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Mean, ReduceOp.Max })
        {
            H.Cpu.ReduceBackward(op, H.Up(dy), dx, outer, dim, inner, am);
            var expected = new double[n];
            for (int o = 0; o < outer; o++)
            for (int d = 0; d < dim; d++)
            for (int i = 0; i < inner; i++)
            {
                double g = dy[o * inner + i];
                expected[(o * dim + d) * inner + i] = op switch
                {
                    ReduceOp.Sum => g,
                    ReduceOp.Mean => g / dim,
                    _ => arg[o * inner + i] == d ? g : 0,
                };
            }
            H.Close(expected, H.Down(dx, n), H.ElemRel, 0, op + " backward");
        }
    }

    [Fact]
    public void Max_first_wins_on_ties_and_nan_propagates()
    {
        // inner == 1 rows and inner > 1 columns.
        float[] x = [1f, 3f, 3f, 2f, /* row 2 */ 0f, float.NaN, 5f, float.NaN];
        var y = H.Empty(2);
        var am = H.Empty(2, DType.Int32);
        H.Cpu.Reduce(ReduceOp.Max, H.Up(x), y, 2, 4, 1, am);
        var v = H.Down(y, 2);
        Assert.Equal(3f, v[0]);
        Assert.True(float.IsNaN(v[1]));
        Assert.Equal(new[] { 1, 1 }, H.DownInt(am, 2));

        // Same data as [1, 4, 2]: column 0 = 1,3,0,5 ; column 1 = 3,2,NaN,NaN.
        H.Cpu.Reduce(ReduceOp.Max, H.Up(x), y, 1, 4, 2, am);
        v = H.Down(y, 2);
        Assert.Equal(5f, v[0]);
        Assert.True(float.IsNaN(v[1]));
        Assert.Equal(new[] { 3, 2 }, H.DownInt(am, 2));

        float[] ties = [-1f, -1f, float.NegativeInfinity];
        H.Cpu.Reduce(ReduceOp.Max, H.Up(ties), y, 1, 3, 1, am);
        Assert.Equal(0, H.DownInt(am, 1)[0]);
    }

    [Fact]
    public void Big_sum_is_bitwise_repeatable_and_thread_count_independent()
    {
        int n = 3_000_017;
        var x = H.Rand(n, 32, -1f, 2f);
        var sx = H.Up(x);
        float Run(CpuBackend b, int outer, int dim, int inner)
        {
            var y = H.Empty(outer * inner);
            b.Reduce(ReduceOp.Sum, sx, y, outer, dim, inner);
            return H.Down(y, outer * inner).Sum(); // only used for equality of the outputs below
        }
        var y1 = H.Empty(1);
        var y2 = H.Empty(1);
        H.Cpu.Reduce(ReduceOp.Sum, sx, y1, 1, n, 1);
        H.Cpu.Reduce(ReduceOp.Sum, sx, y2, 1, n, 1);
        float a = H.Down(y1, 1)[0], b = H.Down(y2, 1)[0];
        Assert.Equal(BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(b));
        using var single = new CpuBackend(threads: 1);
        using var many = new CpuBackend(threads: 7);
        var y3 = H.Empty(1);
        var y4 = H.Empty(1);
        single.Reduce(ReduceOp.Sum, sx, y3, 1, n, 1);
        many.Reduce(ReduceOp.Sum, sx, y4, 1, n, 1);
        Assert.Equal(BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(H.Down(y3, 1)[0]));
        Assert.Equal(BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(H.Down(y4, 1)[0]));
        double exact = x.Sum(v => (double)v);
        Assert.True(Math.Abs(a - exact) <= 1e-6 * Math.Abs(exact) + 1e-3, $"sum {a} vs {exact}");
        // Strided (inner > 1) reductions also agree across thread counts.
        Assert.Equal(Run(single, 1, 1009, n / 1009), Run(many, 1, 1009, n / 1009));
    }

    public static TheoryData<int, int, int> SoftDims => new()
    {
        { 7, 13, 1 }, { 2, 1001, 1 }, { 3, 5, 37 }, { 2, 19, 300 }, { 1, 1, 9 },
        { 2, 16, 2100 }, // yolov8n DFL at imgsz 320: 16 bins over 2100 anchors
    };

    [Theory]
    [MemberData(nameof(SoftDims))]
    public void Softmax_and_log_softmax_forward_backward(int outer, int dim, int inner)
    {
        int n = outer * dim * inner;
        var x = H.Rand(n, 33, -8f, 8f);
        var dy = H.Rand(n, 34);
        foreach (bool log in new[] { false, true })
        {
            var expY = new double[n];
            var expDx = new double[n];
            for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int At(int d) => (o * dim + d) * inner + i;
                double m = double.NegativeInfinity, s = 0;
                for (int d = 0; d < dim; d++) m = Math.Max(m, x[At(d)]);
                for (int d = 0; d < dim; d++) s += Math.Exp(x[At(d)] - m);
                var p = new double[dim];
                for (int d = 0; d < dim; d++) p[d] = Math.Exp(x[At(d)] - m) / s;
                for (int d = 0; d < dim; d++) expY[At(d)] = log ? x[At(d)] - m - Math.Log(s) : p[d];
                double dot = 0, sumDy = 0;
                for (int d = 0; d < dim; d++) { dot += dy[At(d)] * p[d]; sumDy += dy[At(d)]; }
                for (int d = 0; d < dim; d++) expDx[At(d)] = log ? dy[At(d)] - p[d] * sumDy : p[d] * (dy[At(d)] - dot);
            }
            var y = H.Empty(n);
            H.Cpu.Softmax(H.Up(x), y, outer, dim, inner, log);
            H.Close(expY, H.Down(y, n), H.RedRel, H.RedAbs, log ? "log_softmax" : "softmax");
            var dx = H.Empty(n);
            H.Cpu.SoftmaxBackward(y, H.Up(dy), dx, outer, dim, inner, log);
            H.Close(expDx, H.Down(dx, n), H.RedRel, H.RedAbs, log ? "log_softmax backward" : "softmax backward");
        }
    }
}
