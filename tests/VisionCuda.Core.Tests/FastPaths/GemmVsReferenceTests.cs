using System.Runtime.Intrinsics.X86;
using VisionCuda.Cpu;
using VisionCuda.Cpu.Gemm;
using VisionCuda.Reference;

namespace VisionCuda.Core.Tests.FastPaths;

/// <summary>
/// The fast-path tests pick the micro-kernel through <see cref="Micro.Override"/> (an AsyncLocal, so other
/// tests running at the same time are unaffected); they share one collection to keep timings undisturbed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuKernelCollection
{
    public const string Name = "Cpu micro-kernels";

    /// <summary>Runs <paramref name="body"/> once per micro-kernel this CPU can run (6x16 AVX2 always, 8x32 with AVX-512F).</summary>
    internal static void ForEachKernel(Action<string> body)
    {
        try
        {
            foreach (bool wide in Avx512F.IsSupported ? new[] { false, true } : new[] { false })
            {
                Micro.Override = wide;
                Assert.Equal(wide, Micro.Wide);
                body(wide ? "8x32" : "6x16");
            }
        }
        finally { Micro.Override = null; }
    }
}

/// <summary>
/// The blocked SIMD SGEMM of the Cpu backend against the plain-loop oracle (VisionCuda.Reference.ReferenceGemm).
/// Tolerance (conventions.md, GEMM): |fast - ref| &lt;= 1e-5 + 1e-4 * |ref| elementwise. Inputs are uniform in
/// [-1, 1] and k stays small enough (&lt;= 600) that float32 accumulation error (~k * 6e-8) fits the absolute term.
/// </summary>
[Collection(CpuKernelCollection.Name)]
public sealed class GemmVsReferenceTests
{
    private static readonly int[] Sizes = [1, 7, 13, 33, 65];

    public static TheoryData<bool, bool, float> TransAndBeta()
    {
        var d = new TheoryData<bool, bool, float>();
        foreach (var ta in new[] { false, true })
        foreach (var tb in new[] { false, true })
        foreach (var beta in new[] { 0f, 0.5f })
            d.Add(ta, tb, beta);
        return d;
    }

    internal static float[] Random(long count, int seed)
    {
        var r = new System.Random(seed);
        var a = new float[count];
        for (long i = 0; i < count; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    internal static void AssertClose(float[] expected, float[] actual, string what, double rel = 1e-4, double abs = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (!(Math.Abs(a - e) <= abs + rel * Math.Abs(e)))
                Assert.Fail($"{what}: element {i}: expected {e:R}, got {a:R} (|diff| {Math.Abs(a - e):E2})");
        }
    }

    /// <summary>Runs the Cpu Gemm on fresh storages; C starts as <paramref name="c0"/> (NaN garbage allowed when beta == 0).</summary>
    private static float[] RunCpu(CpuBackend cpu, bool ta, bool tb, int m, int n, int k, float alpha,
                                  float[] a, long aOff, long sa, float[] b, long bOff, long sb,
                                  float beta, float[] c0, long cOff, long sc, int batch)
    {
        var A = cpu.Allocate(a.Length); var B = cpu.Allocate(b.Length); var C = cpu.Allocate(c0.Length);
        cpu.Upload<float>(a, A); cpu.Upload<float>(b, B); cpu.Upload<float>(c0, C);
        cpu.Gemm(ta, tb, m, n, k, alpha, A, aOff, sa, B, bOff, sb, beta, C, cOff, sc, batch);
        var result = new float[c0.Length];
        cpu.Download<float>(C, result);
        A.Release(); B.Release(); C.Release();
        return result;
    }

    private static void Check(CpuBackend cpu, bool ta, bool tb, int m, int n, int k, float alpha, float beta,
                              int batch, bool reuseA, int seed)
    {
        long aSize = (long)m * k, bSize = (long)k * n, cSize = (long)m * n;
        const int aOff = 3, bOff = 5, cOff = 2;
        long sa = reuseA ? 0 : aSize, sb = bSize, sc = cSize;
        var a = Random(aOff + (reuseA ? aSize : aSize * batch), seed);
        var b = Random(bOff + bSize * batch, seed + 1);
        var c0 = Random(cOff + cSize * batch, seed + 2);
        if (beta == 0f)
            for (long i = cOff; i < c0.Length; i++) c0[i] = float.NaN; // beta == 0 must not read C

        var expected = (float[])c0.Clone();
        ReferenceGemm.Gemm(ta, tb, m, n, k, alpha, a, aOff, sa, b, bOff, sb, beta, expected, cOff, sc, batch);
        CpuKernelCollection.ForEachKernel(kernel =>
        {
            var actual = RunCpu(cpu, ta, tb, m, n, k, alpha, a, aOff, sa, b, bOff, sb, beta, c0, cOff, sc, batch);
            AssertClose(expected, actual, $"gemm[{kernel}] ta={ta} tb={tb} m={m} n={n} k={k} beta={beta} batch={batch}");
        });
    }

    [Theory]
    [MemberData(nameof(TransAndBeta))]
    public void OddSizes_AllTransCombos_MatchReference(bool ta, bool tb, float beta)
    {
        var cpu = new CpuBackend(2);
        int seed = 1;
        foreach (int m in Sizes)
        foreach (int n in Sizes)
        foreach (int k in Sizes)
            Check(cpu, ta, tb, m, n, k, 1f, beta, batch: 1, reuseA: false, seed: seed++);
    }

    [Theory]
    [MemberData(nameof(TransAndBeta))]
    public void Batch2_StrideZeroReusesA_MatchReference(bool ta, bool tb, float beta)
    {
        var cpu = new CpuBackend(2);
        Check(cpu, ta, tb, 13, 33, 7, 0.75f, beta, batch: 2, reuseA: true, seed: 11);
        Check(cpu, ta, tb, 65, 7, 33, 1f, beta, batch: 2, reuseA: true, seed: 12);
        Check(cpu, ta, tb, 33, 65, 13, -1.25f, beta, batch: 2, reuseA: false, seed: 13);
    }

    /// <summary>Crosses every cache block (KC=256, MC=144, NC=2048) with ragged edges.</summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void LargerThanCacheBlocks_MatchReference(bool ta, bool tb)
    {
        var cpu = new CpuBackend(2);
        Check(cpu, ta, tb, 151, 97, 521, 1f, 0f, batch: 1, reuseA: false, seed: 21);
        Check(cpu, ta, tb, 7, 2071, 263, 0.5f, 0.5f, batch: 1, reuseA: false, seed: 22);
    }

    [Fact]
    public void ZeroK_ScalesC()
    {
        var cpu = new CpuBackend(2);
        Check(cpu, false, false, 7, 13, 0, 1f, 0.5f, batch: 1, reuseA: false, seed: 31);
        Check(cpu, true, true, 7, 13, 0, 1f, 0f, batch: 2, reuseA: false, seed: 32);
    }

    /// <summary>The fixed partition: 1, 2 and 3 threads give bitwise the same C.</summary>
    [Fact]
    public void ResultDoesNotDependOnThreadCount()
    {
        int m = 97, n = 301, k = 530;
        var a = Random((long)m * k, 41);
        var b = Random((long)k * n, 42);
        var c0 = new float[m * n];
        CpuKernelCollection.ForEachKernel(_ =>
        {
            float[]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var c = RunCpu(new CpuBackend(threads), false, true, m, n, k, 1f, a, 0, 0, b, 0, 0, 0f, c0, 0, 0, 1);
                if (first is null) first = c;
                else Assert.Equal(first, c);
            }
        });
    }
}
