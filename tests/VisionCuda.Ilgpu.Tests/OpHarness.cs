using VisionCuda.Backends;
using VisionCuda.Random;

namespace VisionCuda.Ilgpu.Tests;

/// <summary>
/// Runs the same storage-level op on the Ilgpu device under test and on the Cpu backend, and compares (and also
/// against the scalar reference a test provides).
/// Tolerances are conventions.md's: elementwise relative 1e-5; reductions, GEMM, conv and losses relative 1e-4 with
/// absolute 1e-5.
/// </summary>
public sealed class OpHarness
{
    public const double ElemRtol = 1e-5, ElemAtol = 1e-7;
    public const double RedRtol = 1e-4, RedAtol = 1e-5;

    public OpHarness(IBackend device)
    {
        Dev = device;
        Cpu = Devices.Get("cpu");
    }

    public IBackend Dev { get; }

    public IBackend Cpu { get; }

    public static float[] Rand(int n, ulong seed, float lo = -1f, float hi = 1f)
    {
        var d = new float[n];
        Philox.FillUniform(d, Philox.Key(seed), 0, lo, hi);
        return d;
    }

    public static Storage Put(IBackend b, float[] data)
    {
        var s = b.Allocate(Math.Max(1, data.Length));
        b.Upload<float>(data, s);
        return s;
    }

    public static Storage PutI(IBackend b, int[] data)
    {
        var s = b.Allocate(Math.Max(1, data.Length), DType.Int32);
        b.Upload<int>(data, s);
        return s;
    }

    public static float[] Get(IBackend b, Storage s, long n = -1)
    {
        var d = new float[n < 0 ? s.Count : n];
        b.Download<float>(s, d);
        return d;
    }

    public static int[] GetI(IBackend b, Storage s, long n = -1)
    {
        var d = new int[n < 0 ? s.Count : n];
        b.Download<int>(s, d);
        return d;
    }

    /// <summary>The op's result on the Cpu backend.</summary>
    public float[][] OnCpu(Func<IBackend, float[][]> op) => op(Cpu);

    /// <summary>
    /// Runs <paramref name="op"/> (which returns its outputs, downloaded) on the device and the Cpu backend and
    /// compares each output; also against <paramref name="reference"/> when given.
    /// </summary>
    public void Check(string name, Func<IBackend, float[][]> op, double rtol, double atol, float[][]? reference = null)
    {
        var dev = op(Dev);
        var cpu = OnCpu(op);
        for (int k = 0; k < dev.Length; k++)
        {
            Close(cpu[k], dev[k], rtol, atol, $"{name}[out {k}] vs cpu");
            if (reference is not null) Close(reference[k], dev[k], rtol, atol, $"{name}[out {k}] vs reference");
        }
    }

    public static void Close(float[] expected, float[] actual, double rtol, double atol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length} != {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (e == a) continue;
            double err = Math.Abs(e - a);
            if (!(err <= atol + rtol * Math.Abs(e)))
                throw new Xunit.Sdk.XunitException($"{what}: element {i}: expected {e:G9}, got {a:G9} (|err| {err:G3} > {atol} + {rtol}*|e|)");
        }
    }

    public static void Same(int[] expected, int[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i]) throw new Xunit.Sdk.XunitException($"{what}: element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
