using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using VisionCuda.Bench;
using VisionCuda.Benchmarks.Kernels;

namespace VisionCuda.Benchmarks.Reporting;

/// <summary>The work one invocation does (flops or bytes), or null when the case has none to report.</summary>
public delegate (double Work, WorkUnit Unit)? WorkOf(BenchmarkCase benchmarkCase);

/// <summary>Rate column: GFLOP/s for compute-bound cases, GB/s for memory-bound ones (work of one call / mean time).</summary>
public sealed class ThroughputColumn(WorkOf workOf) : IColumn
{
    public string Id => "Throughput";
    public string ColumnName => "GFLOP/s or GB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "flops (GEMM, conv) or minimal bytes moved (memory-bound ops) of one call / mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not { } ns || ns <= 0 || workOf(benchmarkCase) is not { } w) return "-";
        return string.Create(CultureInfo.InvariantCulture, $"{w.Work / ns:F1} {(w.Unit == WorkUnit.Flops ? "GFLOP/s" : "GB/s")}");
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public override string ToString() => ColumnName;
}

/// <summary>
/// % of the device's peak: GFLOP/s against MachinePeak's FMA peak (CPU formula, or the GPU model table), GB/s against
/// VISIONCUDA_PEAK_GBPS (or the GPU table). "-" where no peak is known.
/// </summary>
public sealed class PercentOfPeakColumn(WorkOf workOf, Func<BenchmarkCase, string> deviceOf) : IColumn
{
    public string Id => "PercentOfPeak";
    public string ColumnName => "% of peak";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "rate as a percentage of the device peak (MachinePeak: cores x lanes x FMA units x 2 x clock; GPU table; VISIONCUDA_PEAK_GFLOPS / VISIONCUDA_PEAK_GBPS)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not { } ns || ns <= 0 || workOf(benchmarkCase) is not { } w) return "-";
        var (gflops, gbps) = DevicePeaks.Of(deviceOf(benchmarkCase));
        double? peak = w.Unit == WorkUnit.Flops ? gflops : gbps;
        return peak is { } p && p > 0 ? string.Create(CultureInfo.InvariantCulture, $"{100 * w.Work / ns / p:F1}%") : "-";
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public override string ToString() => ColumnName;
}

/// <summary>Peaks by device name, from the opened backend's capabilities (its GPU model, or the host CPU's).</summary>
public static class DevicePeaks
{
    private static readonly Dictionary<string, (double?, double?)> Cache = new();

    public static (double? Gflops, double? Gbps) Of(string device)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(device, out var p)) return p;
            return Cache[device] = QuickBench.Peaks(BenchDevices.Open(device).Capabilities);
        }
    }
}

/// <summary>Columns of the kernel benchmarks: the case comes from the Target parameter ("device | case key").</summary>
public sealed class KernelConfig : ManualConfig
{
    public KernelConfig()
    {
        AddColumn(new ThroughputColumn(WorkOfTarget), new PercentOfPeakColumn(WorkOfTarget, DeviceOfTarget));
    }

    private static string? TargetOf(BenchmarkCase bc) =>
        bc.Parameters.Items.FirstOrDefault(p => p.Name == nameof(KernelBenchmarks.Target))?.Value as string;

    private static readonly Dictionary<string, (double, WorkUnit)> Work = new();

    public static (double Work, WorkUnit Unit)? WorkOfTarget(BenchmarkCase bc)
    {
        if (TargetOf(bc) is not { } t) return null;
        string key = KernelTargets.Parse(t).Key;
        lock (Work)
        {
            if (!Work.TryGetValue(key, out var w))
            {
                using var c = KernelCatalog.ByKey(key);
                Work[key] = w = (c.Work, c.Unit);
            }
            return w;
        }
    }

    private static string DeviceOfTarget(BenchmarkCase bc) => TargetOf(bc) is { } t ? KernelTargets.Parse(t).Device : "cpu";
}
