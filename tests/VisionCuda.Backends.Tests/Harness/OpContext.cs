using VisionCuda.Random;

namespace VisionCuda.Backends.Tests.Harness;

/// <summary>A mismatch between the device under test and the Cpu backend, or between the Cpu backend and the naive reference.</summary>
public sealed class OpMismatchException(string message) : Exception(message);

/// <summary>Thrown by <see cref="OpContext.KnownIssue"/>: a reported backend bug, not a new mismatch.</summary>
public sealed class KnownIssueException(string reason) : Exception(reason);

/// <summary>
/// The one harness. A case runs its op on the device under test and on the Cpu backend from the same inputs:
/// on a device row it compares the two (<see cref="Compare"/>, <see cref="Both"/>); on the cpu row the device IS the Cpu
/// backend, so those comparisons would prove nothing and are not made, and the case's oracle checks run instead: the
/// Cpu backend against the naive scalar reference of src/VisionCuda.Reference (<see cref="Oracle"/>). Oracles are
/// lambdas evaluated on the cpu row only, so device rows do not pay for the slow references.
/// No xunit here: tools/VisionCuda.GpuRunner compiles this file.
/// </summary>
public sealed class OpContext : IDisposable
{
    private readonly List<(IBackend Owner, Storage S)> _owned = new();
    private ulong _stream = 1;

    public OpContext(IBackend device, IBackend cpu, Func<IBackend>? openFresh = null)
    {
        Device = device;
        Cpu = cpu;
        OpenFresh = openFresh;
    }

    public IBackend Device { get; }

    public IBackend Cpu { get; }

    /// <summary>True on the cpu row: the device under test is the Cpu backend, checked against the references.</summary>
    public bool IsCpuRow => ReferenceEquals(Device, Cpu);

    /// <summary>Opens a second, private backend of the device under test (for the lifetime case), when the row has one.</summary>
    public Func<IBackend>? OpenFresh { get; }

    /// <summary>Set by a case that stops on a reported backend bug: the row reports the case skipped with this reason.</summary>
    public string? KnownIssueReason { get; private set; }

    /// <summary>Stops the case (it throws) and reports it skipped with the reason.</summary>
    public void KnownIssue(string reason) => throw new KnownIssueException(KnownIssueReason = reason);

    /// <summary>How many comparisons against a naive reference ran (the cpu row skips a case that has none).</summary>
    public int OracleChecks { get; private set; }

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

    // ---- storages (owned: released when the case ends) ----

    public Storage Put(IBackend b, float[] data)
    {
        var s = Own(b, b.Allocate(Math.Max(1, data.Length)));
        b.Upload<float>(data, s);
        return s;
    }

    public Storage Put(IBackend b, int[] data)
    {
        var s = Own(b, b.Allocate(Math.Max(1, data.Length), DType.Int32));
        b.Upload<int>(data, s);
        return s;
    }

    public Storage Alloc(IBackend b, long count, DType dtype = DType.Float32) => Own(b, b.Allocate(count, dtype));

    public (Storage D, Storage C) Pair(float[] data) => (Put(Device, data), Put(Cpu, data));

    public (Storage D, Storage C) Pair(int[] data) => (Put(Device, data), Put(Cpu, data));

    /// <summary>Outputs: filled with a sentinel (NaN, int.MinValue) on both sides, so an element an op forgets to write is caught.</summary>
    public (Storage D, Storage C) Out(long count, DType dtype = DType.Float32)
    {
        if (dtype == DType.Float32)
        {
            var nan = new float[count];
            Array.Fill(nan, float.NaN);
            return Pair(nan);
        }
        var bad = new int[count];
        Array.Fill(bad, int.MinValue);
        return Pair(bad);
    }

    public static float[] Get(IBackend b, Storage s, long n = -1)
    {
        var a = new float[n < 0 ? s.Count : n];
        b.Download<float>(s, a);
        return a;
    }

    public static int[] GetInts(IBackend b, Storage s, long n = -1)
    {
        var a = new int[n < 0 ? s.Count : n];
        b.Download<int>(s, a);
        return a;
    }

    // ---- comparisons ----

    /// <summary>Device vs Cpu backend (device rows only).</summary>
    public void Compare((Storage D, Storage C) pair, string what, Tol tol)
    {
        if (IsCpuRow) return;
        Close(Get(Device, pair.D), Get(Cpu, pair.C), tol, $"{what}: {Device.Name} vs cpu");
    }

    public void Elementwise((Storage D, Storage C) pair, string what) => Compare(pair, what, Tolerances.Elementwise);

    public void Reduction((Storage D, Storage C) pair, string what) => Compare(pair, what, Tolerances.Reduction);

    /// <summary>Bitwise device vs Cpu backend, of floats or (dtype Int32) of integers.</summary>
    public void Exact((Storage D, Storage C) pair, string what, DType dtype = DType.Float32)
    {
        if (IsCpuRow) return;
        if (dtype == DType.Int32) Same(GetInts(Device, pair.D), GetInts(Cpu, pair.C), $"{what}: {Device.Name} vs cpu");
        else Compare(pair, what, Tolerances.Exact);
    }

    /// <summary>The Cpu backend's output against the naive reference (cpu row only; the reference runs only there).</summary>
    public void Oracle(Storage cpuOutput, Func<float[]> reference, string what, Tol tol)
    {
        if (!IsCpuRow) return;
        OracleChecks++;
        Close(Get(Cpu, cpuOutput), reference(), tol, $"{what}: cpu vs reference");
    }

    public void OracleInts(Storage cpuOutput, Func<int[]> reference, string what)
    {
        if (!IsCpuRow) return;
        OracleChecks++;
        Same(GetInts(Cpu, cpuOutput), reference(), $"{what}: cpu vs reference");
    }

    /// <summary>
    /// Runs <paramref name="op"/> (which returns its outputs, downloaded) on the device and the Cpu backend and compares
    /// each output; on the cpu row, runs it once and compares with <paramref name="reference"/> when given.
    /// </summary>
    public void Both(string what, Func<IBackend, float[][]> op, Tol tol, Func<float[][]>? reference = null)
    {
        var cpu = op(Cpu);
        if (IsCpuRow)
        {
            if (reference is null) return;
            OracleChecks++;
            var r = reference();
            for (int k = 0; k < cpu.Length; k++) Close(cpu[k], r[k], tol, $"{what} [out {k}]: cpu vs reference");
            return;
        }
        var dev = op(Device);
        for (int k = 0; k < cpu.Length; k++) Close(dev[k], cpu[k], tol, $"{what} [out {k}]: {Device.Name} vs cpu");
    }

    /// <summary>An explicit check that holds on every row (e.g. the device against a generator's exact values).</summary>
    public void Check(float[] actual, float[] expected, Tol tol, string what)
    {
        OracleChecks++;
        Close(actual, expected, tol, what);
    }

    public static void Close(float[] actual, float[] expected, Tol tol, string what)
    {
        if (actual.Length != expected.Length) throw new OpMismatchException($"{what}: length {actual.Length} vs {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (!tol.Holds(actual[i], expected[i]))
                throw new OpMismatchException($"{what}: element {i} of {expected.Length}: {actual[i]:R} vs {expected[i]:R} (|diff| {Math.Abs(actual[i] - expected[i]):G3}, tol {tol})");
    }

    public static void Same(int[] actual, int[] expected, string what)
    {
        if (actual.Length != expected.Length) throw new OpMismatchException($"{what}: length {actual.Length} vs {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (actual[i] != expected[i]) throw new OpMismatchException($"{what}: element {i}: {actual[i]} vs {expected[i]}");
    }

    private Storage Own(IBackend b, Storage s)
    {
        _owned.Add((b, s));
        return s;
    }

    public void Dispose()
    {
        Device.Synchronize();
        foreach (var (_, s) in _owned) s.Release();
        _owned.Clear();
    }
}
