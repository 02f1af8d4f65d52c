using VisionCuda.Backends;
using VisionCuda.Cpu;

namespace VisionCuda.Core.Tests.CpuOps;

/// <summary>Storage-level helpers for the Cpu op tests: upload/download arrays, seeded data, tolerance checks.</summary>
internal static class H
{
    /// <summary>Two threads even on one core, so that the parallel paths are exercised.</summary>
    public static readonly CpuBackend Cpu = new(threads: Math.Max(2, Environment.ProcessorCount));

    public static Storage Up(float[] data)
    {
        var s = Cpu.Allocate(Math.Max(1, data.Length));
        Cpu.Upload<float>(data, s);
        return s;
    }

    public static Storage Up(int[] data)
    {
        var s = Cpu.Allocate(Math.Max(1, data.Length), DType.Int32);
        Cpu.Upload<int>(data, s);
        return s;
    }

    public static Storage Empty(long n, DType dtype = DType.Float32) => Cpu.Allocate(Math.Max(1, n), dtype);

    public static float[] Down(Storage s, long n)
    {
        var a = new float[n];
        Cpu.Download<float>(s, a);
        return a;
    }

    public static int[] DownInt(Storage s, long n)
    {
        var a = new int[n];
        Cpu.Download<int>(s, a);
        return a;
    }

    public static float[] Rand(int n, int seed, float lo = -3f, float hi = 3f)
    {
        var r = new System.Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float)r.NextDouble();
        return a;
    }

    /// <summary>Asserts |actual - expected| &lt;= abs + rel*|expected| element by element (NaN matches NaN).</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rel, double abs = 0, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (double.IsInfinity(e) && e == a) continue;
            double tol = abs + rel * Math.Abs(e);
            if (!(Math.Abs(a - e) <= tol))
                Assert.Fail($"{what} element {i}: expected {e:R}, got {a:R} (|diff| {Math.Abs(a - e):E3} > tol {tol:E3})");
        }
    }

    public static void Close(float[] expected, float[] actual, double rel, double abs = 0, string what = "") =>
        Close(Array.ConvertAll(expected, v => (double)v), actual, rel, abs, what);

    /// <summary>Elementwise tolerance of conventions.md (relative 1e-5), with a tiny absolute floor for values near 0.</summary>
    public const double ElemRel = 1e-5, ElemAbs = 1e-6;

    /// <summary>Reductions and losses (conventions.md): relative 1e-4, absolute 1e-5.</summary>
    public const double RedRel = 1e-4, RedAbs = 1e-5;
}
