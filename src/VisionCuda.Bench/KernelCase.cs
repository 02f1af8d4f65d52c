using System.Globalization;
using VisionCuda.Backends;
using VisionCuda.Random;

namespace VisionCuda.Bench;

/// <summary>What a case's work is counted in: floating-point operations (compute-bound) or bytes moved (memory-bound).</summary>
public enum WorkUnit
{
    Flops,
    Bytes,
}

/// <summary>Outcome of checking one run of a kernel against its naive reference.</summary>
public readonly record struct CheckResult(bool Ok, double WorstRatio, string Detail)
{
    public static CheckResult Combine(params CheckResult[] parts)
    {
        var worst = parts.MaxBy(p => p.WorstRatio);
        bool ok = parts.All(p => p.Ok);
        return new CheckResult(ok, worst.WorstRatio, ok ? worst.Detail : string.Join("; ", parts.Where(p => !p.Ok).Select(p => p.Detail)));
    }
}

/// <summary>
/// One kernel on one shape, in the llm.c manner: <see cref="Setup"/> allocates deterministic inputs on a backend,
/// <see cref="Check"/> runs the kernel once from fresh inputs and compares every output with a naive scalar
/// reference computed on the host (never with the fast path itself), and only then is <see cref="Run"/> timed.
/// <see cref="Run"/> may leave work queued; the timer synchronises the backend.
///
/// <see cref="Work"/> is what one <see cref="Run"/> does: flops for GEMM and conv, the minimal bytes read and
/// written for memory-bound ops (each case documents its count).
/// </summary>
public abstract class KernelCase : IDisposable
{
    private readonly List<Storage> _owned = new();

    protected KernelCase(string op, string shape, double work, WorkUnit unit)
    {
        Op = op;
        Shape = shape;
        Work = work;
        Unit = unit;
    }

    /// <summary>Op family as --ops spells it: gemm, conv, bn, add, silu, softmax, sgd, adamw.</summary>
    public string Op { get; }

    public string Shape { get; }

    /// <summary>"op shape": the stable key of the case (BenchmarkDotNet parameter, --ops filter, table row).</summary>
    public string Key => Op + " " + Shape;

    public double Work { get; }

    public WorkUnit Unit { get; }

    protected IBackend Backend { get; private set; } = null!;

    public void Setup(IBackend backend)
    {
        Backend = backend;
        Allocate();
        backend.Synchronize();
    }

    /// <summary>Allocates and uploads the inputs on <see cref="Backend"/>.</summary>
    protected abstract void Allocate();

    /// <summary>One timed invocation.</summary>
    public abstract void Run();

    /// <summary>Restores the inputs, runs once, and compares all outputs with the reference.</summary>
    public abstract CheckResult Check();

    /// <summary>Set to an op name (or "all") to make <see cref="CheckOrThrow"/> fail: proves that CI notices a mismatch.</summary>
    public const string FailCheckVariable = "VISIONCUDA_BENCH_FAIL_CHECK";

    /// <summary>Throws when <see cref="Check"/> fails: a mismatch must fail the run, not print a fast wrong number.</summary>
    public CheckResult CheckOrThrow()
    {
        var r = Check();
        if (Environment.GetEnvironmentVariable(FailCheckVariable) is { Length: > 0 } op && (op == "all" || op == Op))
            r = new CheckResult(false, double.PositiveInfinity, $"forced by {FailCheckVariable}={op}");
        if (!r.Ok) throw new KernelMismatchException($"{Key} on {Backend.Name} does not match the reference: {r.Detail}");
        return r;
    }

    public virtual void Dispose()
    {
        foreach (var s in _owned)
            if (!s.IsReleased) s.Release();
        _owned.Clear();
        GC.SuppressFinalize(this);
    }

    // ---- helpers for cases ------------------------------------------------------------------------------------

    /// <summary>Deterministic inputs, uniform in [low, high), from Philox keyed by <paramref name="seed"/>.</summary>
    protected static float[] Uniform(long count, ulong seed, float low = -1f, float high = 1f)
    {
        var a = new float[count];
        Philox.FillUniform(a, Philox.Key(seed), 0, low, high);
        return a;
    }

    protected Storage Alloc(long count, DType dtype = DType.Float32)
    {
        var s = Backend.Allocate(count, dtype);
        _owned.Add(s);
        return s;
    }

    protected Storage Up(float[] data)
    {
        var s = Alloc(data.Length);
        Backend.Upload<float>(data, s);
        return s;
    }

    protected Storage Up(int[] data)
    {
        var s = Alloc(data.Length, DType.Int32);
        Backend.Upload<int>(data, s);
        return s;
    }

    protected float[] Down(Storage s, long count)
    {
        var a = new float[count];
        Backend.Download<float>(s, a);
        return a;
    }

    protected static string Dims(params int[] d) => string.Join("x", d.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}

public sealed class KernelMismatchException(string message) : Exception(message);
