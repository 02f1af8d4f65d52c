using System.Diagnostics;
using VisionCuda.Backends;

namespace VisionCuda.Cpu.Diagnostics;

/// <summary>
/// Wall time per op key of a <see cref="CpuBackend"/> (set <see cref="CpuBackend.Profile"/>), for finding where a
/// training step's time goes: "conv.fwd 3x3/s2 16->32 160x160", "bn.bwd", "unary.Silu", ... Ops are timed
/// inclusively on the calling thread (the training thread: the backend's own workers run inside an op), so the
/// keys add up to the time spent inside the backend. Off (null) by default; then an op costs one null check.
/// </summary>
public sealed class CpuOpProfile
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    private sealed class Entry
    {
        public long Ticks;
        public long Calls;
    }

    /// <summary>One row of <see cref="Snapshot"/>: total seconds and calls of a key since the last reset.</summary>
    public readonly record struct Row(string Key, double Seconds, long Calls);

    public void Add(string key, long ticks)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var e)) _entries[key] = e = new Entry();
            e.Ticks += ticks;
            e.Calls++;
        }
    }

    public void Reset()
    {
        lock (_gate) _entries.Clear();
    }

    /// <summary>All keys, the most expensive first.</summary>
    public IReadOnlyList<Row> Snapshot()
    {
        lock (_gate)
            return _entries.Select(kv => new Row(kv.Key, kv.Value.Ticks / (double)Stopwatch.Frequency, kv.Value.Calls))
                .OrderByDescending(r => r.Seconds).ToList();
    }

    /// <summary>The key of a conv call: direction, kernel/stride, channels and input size, e.g. "conv.bwdW 3x3/s2 16->32 160x160".</summary>
    public static string ConvKey(string direction, in Conv2dGeometry g)
        => $"conv.{direction} {g.R}x{g.S}/s{g.StrideH}{(g.Groups > 1 ? "/g" + g.Groups : "")} {g.C}->{g.K} {g.H}x{g.W}";
}

/// <summary>Times one op into a profile when there is one (a no-op otherwise); use with <c>using</c>.</summary>
public readonly struct CpuOpTimer : IDisposable
{
    private readonly CpuOpProfile? _profile;
    private readonly string? _key;
    private readonly long _start;

    public CpuOpTimer(CpuOpProfile? profile, string? key)
    {
        _profile = profile;
        _key = key;
        _start = profile is null ? 0 : Stopwatch.GetTimestamp();
    }

    public void Dispose()
    {
        if (_profile is not null && _key is not null) _profile.Add(_key, Stopwatch.GetTimestamp() - _start);
    }
}
