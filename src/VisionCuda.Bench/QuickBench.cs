using System.Diagnostics;
using System.Globalization;
using VisionCuda.Backends;
using VisionCuda.Diagnostics;

namespace VisionCuda.Bench;

/// <summary>One row of a quick comparison.</summary>
public sealed record BenchRow(string Device, string Op, string Shape, WorkUnit Unit, double Work, double MedianMs, double MinMs,
    int Runs, double? PeakRate, CheckResult Check, string? Error)
{
    /// <summary>GFLOP/s or GB/s of the median run.</summary>
    public double Rate => MedianMs > 0 ? Work / MedianMs / 1e6 : 0;

    public double? PercentOfPeak => PeakRate is { } p && p > 0 && MedianMs > 0 ? 100 * Rate / p : null;
}

/// <summary>Options of <see cref="QuickBench.Run"/>.</summary>
public sealed record QuickBenchOptions
{
    /// <summary>Timed runs per case; the median is reported.</summary>
    public int Runs { get; init; } = 10;

    /// <summary>Untimed runs before timing (at least this many, and at least <see cref="MinWarmupMs"/> of them).</summary>
    public int WarmupRuns { get; init; } = 2;

    public double MinWarmupMs { get; init; } = 100;

    /// <summary>A case stops taking timed runs after this much time (at least 3 runs).</summary>
    public double MaxCaseMs { get; init; } = 4000;

    /// <summary>GFLOP/s peak of the device (null: no % column for flops).</summary>
    public double? PeakGflops { get; init; }

    /// <summary>GB/s peak of the device's memory (null: no % column for bytes).</summary>
    public double? PeakGbps { get; init; }
}

/// <summary>
/// The quick kernel comparison behind <c>visioncuda bench</c> (no BenchmarkDotNet, so it runs from a trimmed
/// self-contained publish): per case, set up, check one run against the naive reference, warm up, then time
/// <see cref="QuickBenchOptions.Runs"/> runs with a Stopwatch, each ended by a device synchronise, and keep the median.
/// A failed check is reported in the row and the case is not timed.
/// </summary>
public static class QuickBench
{
    public static BenchRow Run(KernelCase c, IBackend backend, QuickBenchOptions o, TextWriter? progress = null)
    {
        double? peak = c.Unit == WorkUnit.Flops ? o.PeakGflops : o.PeakGbps;
        try
        {
            c.Setup(backend);
            var check = c.Check();
            if (!check.Ok) return new BenchRow(backend.Name, c.Op, c.Shape, c.Unit, c.Work, 0, 0, 0, peak, check, null);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < o.WarmupRuns || sw.Elapsed.TotalMilliseconds < o.MinWarmupMs; i++)
            {
                c.Run();
                backend.Synchronize();
                if (i >= o.WarmupRuns && sw.Elapsed.TotalMilliseconds > o.MaxCaseMs) break;
            }
            var times = new List<double>();
            var total = Stopwatch.StartNew();
            for (int i = 0; i < o.Runs; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                c.Run();
                backend.Synchronize();
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (i >= 2 && total.Elapsed.TotalMilliseconds > o.MaxCaseMs) break;
            }
            times.Sort();
            double median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
            progress?.WriteLine($"  {c.Key}: {median:F3} ms");
            return new BenchRow(backend.Name, c.Op, c.Shape, c.Unit, c.Work, median, times[0], times.Count, peak, check, null);
        }
        catch (Exception e) when (e is NotImplementedException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new BenchRow(backend.Name, c.Op, c.Shape, c.Unit, c.Work, 0, 0, 0, peak, new CheckResult(false, double.NaN, e.Message), e.GetType().Name + ": " + e.Message);
        }
        finally
        {
            c.Dispose();
        }
    }

    /// <summary>
    /// Every case of <paramref name="size"/> (restricted to <paramref name="ops"/>) on <paramref name="backend"/>, then
    /// the table. One call for a host such as the trimmed GPU runner:
    /// <c>QuickBench.RunCatalog(gpu, "model", null, QuickBench.Options(gpu.Capabilities), Console.Out)</c>.
    /// Returns the rows; a row whose check failed has <c>Check.Ok == false</c>.
    /// </summary>
    public static IReadOnlyList<BenchRow> RunCatalog(IBackend backend, string size, IReadOnlyCollection<string>? ops, QuickBenchOptions options, TextWriter? table)
    {
        var rows = new List<BenchRow>();
        foreach (var c in KernelCatalog.Create(size, ops))
            rows.Add(Run(c, backend, options));
        if (table is not null) Print(rows, table);
        return rows;
    }

    /// <summary>Default options with the peaks of a backend with these capabilities (see <see cref="Peaks"/>).</summary>
    public static QuickBenchOptions Options(BackendCapabilities capabilities, int runs = 10)
    {
        var (gflops, gbps) = Peaks(capabilities);
        return new QuickBenchOptions { Runs = runs, PeakGflops = gflops, PeakGbps = gbps };
    }

    /// <summary>Peaks for a backend: the GPU table for its GPU model; the CPU formula when it runs on the host (cpu,
    /// cuda-emu, ilgpu:cpu). VISIONCUDA_PEAK_GFLOPS / VISIONCUDA_PEAK_GBPS override.</summary>
    public static (double? Gflops, double? Gbps) Peaks(BackendCapabilities capabilities)
    {
        if (capabilities.GpuModel is { } gpuModel)
            return (MachinePeak.GpuGflops(gpuModel), MachinePeak.MemoryGbps(gpuModel));
        return (MachinePeak.CpuGflops(), MachinePeak.MemoryGbps());
    }

    /// <summary>The table: op, shape, median ms, GFLOP/s or GB/s, % of peak, check.</summary>
    public static void Print(IReadOnlyList<BenchRow> rows, TextWriter w)
    {
        var ci = CultureInfo.InvariantCulture;
        var cells = new List<string[]> { new[] { "device", "op", "shape", "median ms", "rate", "% of peak", "check vs reference" } };
        foreach (var r in rows)
        {
            string unit = r.Unit == WorkUnit.Flops ? "GFLOP/s" : "GB/s";
            bool timed = r.Runs > 0;
            cells.Add(new[]
            {
                r.Device, r.Op, r.Shape,
                timed ? r.MedianMs.ToString("F3", ci) : "-",
                timed ? r.Rate.ToString("F1", ci) + " " + unit : "-",
                timed && r.PercentOfPeak is { } p ? p.ToString("F1", ci) + "%" : "-",
                r.Error is not null ? "ERROR " + r.Error
                    : r.Check.Ok ? string.Create(ci, $"OK ({r.Check.WorstRatio:F2} of tol)") : "MISMATCH " + r.Check.Detail,
            });
        }
        var widths = Enumerable.Range(0, cells[0].Length).Select(i => cells.Max(row => row[i].Length)).ToArray();
        bool first = true;
        foreach (var row in cells)
        {
            w.WriteLine("| " + string.Join(" | ", row.Select((s, i) => i is 3 or 4 or 5 ? s.PadLeft(widths[i]) : s.PadRight(widths[i]))) + " |");
            if (first) w.WriteLine("|" + string.Join("|", widths.Select((x, i) => new string('-', x + 2))) + "|");
            first = false;
        }
    }
}
