using VisionCuda.Backends;
using VisionCuda.Random;

namespace VisionCuda.Cuda.Tests.OpSuite;

/// <summary>A mismatch between the device under test and the Cpu reference.</summary>
public sealed class OpMismatchException(string message) : Exception(message);

/// <summary>
/// Runs one op on two backends (the device under test and the Cpu reference) from the same inputs and compares.
/// Shared, as source, by the xunit suite and tools/VisionCuda.GpuRunner (no xunit dependency here).
/// Tolerances are conventions.md's: elementwise relative 1e-5; reductions, GEMM, conv and losses relative 1e-4 with
/// absolute 1e-5.
/// </summary>
public sealed class OpContext(IBackend device, IBackend cpu) : IDisposable
{
    public const float ElementwiseRel = 1e-5f, ElementwiseAbs = 1e-6f;
    public const float ReduceRel = 1e-4f, ReduceAbs = 1e-5f;

    private readonly List<Storage> _owned = new();
    private ulong _stream = 1;

    public IBackend Device { get; } = device;
    public IBackend Cpu { get; } = cpu;

    /// <summary>Deterministic uniform data in [low, high) (Philox, so every run and machine sees the same inputs).</summary>
    public float[] Uniform(long count, float low = -1f, float high = 1f)
    {
        var a = new float[count];
        Philox.FillUniform(a, Philox.Key(1234, 0, (long)_stream++), 0, low, high);
        return a;
    }

    public int[] Ints(long count, int low, int high)
    {
        var u = Uniform(count, 0f, 1f);
        var r = new int[count];
        for (long i = 0; i < count; i++) r[i] = Math.Min(high - 1, low + (int)(u[i] * (high - low)));
        return r;
    }

    public (Storage D, Storage C) Pair(float[] data)
    {
        var d = Own(Device.Allocate(data.Length));
        var c = Own(Cpu.Allocate(data.Length));
        Device.Upload<float>(data, d);
        Cpu.Upload<float>(data, c);
        return (d, c);
    }

    public (Storage D, Storage C) Pair(int[] data)
    {
        var d = Own(Device.Allocate(data.Length, DType.Int32));
        var c = Own(Cpu.Allocate(data.Length, DType.Int32));
        Device.Upload<int>(data, d);
        Cpu.Upload<int>(data, c);
        return (d, c);
    }

    /// <summary>Outputs: filled with a NaN sentinel on both sides, so an element an op forgets to write is caught.</summary>
    public (Storage D, Storage C) Out(long count, DType dtype = DType.Float32)
    {
        var d = Own(Device.Allocate(count, dtype));
        var c = Own(Cpu.Allocate(count, dtype));
        if (dtype == DType.Float32)
        {
            var nan = new float[count];
            Array.Fill(nan, float.NaN);
            Device.Upload<float>(nan, d);
            Cpu.Upload<float>(nan, c);
        }
        else
        {
            var bad = new int[count];
            Array.Fill(bad, int.MinValue);
            Device.Upload<int>(bad, d);
            Cpu.Upload<int>(bad, c);
        }
        return (d, c);
    }

    public float[] Get(IBackend b, Storage s)
    {
        var a = new float[s.Count];
        b.Download<float>(s, a);
        return a;
    }

    public void Close((Storage D, Storage C) pair, string what, float rel, float abs)
    {
        var d = Get(Device, pair.D);
        var c = Get(Cpu, pair.C);
        for (int i = 0; i < c.Length; i++)
        {
            float x = d[i], y = c[i];
            if (float.IsNaN(x) && float.IsNaN(y)) continue;
            if (float.IsInfinity(y) && x == y) continue;
            if (!(Math.Abs(x - y) <= abs + rel * Math.Abs(y)))
                throw new OpMismatchException($"{what}: element {i} of {c.Length}: {Device.Name} {x:R} vs cpu {y:R} (|diff| {Math.Abs(x - y):G3}, tol {abs} + {rel}*|cpu|)");
        }
    }

    public void Elementwise((Storage D, Storage C) pair, string what) => Close(pair, what, ElementwiseRel, ElementwiseAbs);

    public void Reduction((Storage D, Storage C) pair, string what) => Close(pair, what, ReduceRel, ReduceAbs);

    public void Exact((Storage D, Storage C) pair, string what, DType dtype = DType.Float32)
    {
        if (dtype == DType.Int32)
        {
            var d = new int[pair.D.Count];
            var c = new int[pair.C.Count];
            Device.Download<int>(pair.D, d);
            Cpu.Download<int>(pair.C, c);
            for (int i = 0; i < c.Length; i++)
                if (d[i] != c[i]) throw new OpMismatchException($"{what}: index element {i}: {Device.Name} {d[i]} vs cpu {c[i]}");
            return;
        }
        Close(pair, what, 0f, 0f);
    }

    private Storage Own(Storage s)
    {
        _owned.Add(s);
        return s;
    }

    public void Dispose()
    {
        Device.Synchronize();
        foreach (var s in _owned) s.Release();
        _owned.Clear();
    }
}
