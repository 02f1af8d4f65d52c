using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace VisionCuda.Benchmarks.Columns;

/// <summary>
/// Throughput column: floating-point operations of one benchmark invocation divided by its mean time.
/// The benchmark class says how many flops each case does (<see cref="FlopsOf"/>); with a peak given, the
/// column shows the percentage of that peak instead of GFLOP/s.
/// </summary>
public sealed class GflopsColumn : IColumn
{
    private readonly Func<BenchmarkCase, double> _flopsOf;
    private readonly double? _peakGflops;

    public GflopsColumn(Func<BenchmarkCase, double> flopsOf, double? peakGflops = null)
    {
        _flopsOf = flopsOf;
        _peakGflops = peakGflops;
    }

    public Func<BenchmarkCase, double> FlopsOf => _flopsOf;

    public string Id => _peakGflops is null ? "GFLOP/s" : "PercentOfPeak";

    public string ColumnName => _peakGflops is null ? "GFLOP/s" : $"% of FMA peak ({_peakGflops:F0} GFLOP/s)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _peakGflops is null ? 0 : 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _peakGflops is null
        ? "Floating-point operations per second: flops of one call / mean time"
        : "GFLOP/s as a percentage of cores x 2 FMA units x 8 lanes x 2 flops x clock (see PeakFlops)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var stats = report?.ResultStatistics;
        double flops = _flopsOf(benchmarkCase);
        if (stats is null || flops <= 0 || stats.Mean <= 0) return "-";
        double gflops = flops / stats.Mean; // flops per ns = GFLOP/s
        return _peakGflops is { } peak ? $"{100.0 * gflops / peak:F1}%" : $"{gflops:F1}";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}

/// <summary>
/// The FMA peak the "% of peak" column divides by: VISIONCUDA_PEAK_GFLOPS when set, else
/// cores x 2 FMA units x 8 float lanes (256-bit) x 2 flops x the "cpu MHz" of /proc/cpuinfo.
/// On VMs /proc/cpuinfo often reports the nominal clock; with turbo the measured rate can exceed 100%,
/// in which case set VISIONCUDA_PEAK_GFLOPS to the peak at the real clock.
/// </summary>
public static class PeakFlops
{
    public static double Gflops(int cores)
    {
        var env = Environment.GetEnvironmentVariable("VISIONCUDA_PEAK_GFLOPS");
        if (double.TryParse(env, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double g) && g > 0)
            return g;
        return cores * 2 * 8 * 2 * ClockMhz() / 1000.0;
    }

    public static double ClockMhz()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (!line.StartsWith("cpu MHz", StringComparison.Ordinal)) continue;
                var value = line[(line.IndexOf(':') + 1)..].Trim();
                if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double mhz))
                    return mhz;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 3000.0; // unknown: assume 3 GHz and say so through the column header
    }
}
