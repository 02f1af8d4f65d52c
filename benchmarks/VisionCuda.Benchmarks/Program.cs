using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace VisionCuda.Benchmarks;

/// <summary>
/// BenchmarkDotNet entry point: every class in this assembly, results exported as GitHub markdown, CSV and JSON
/// (BenchmarkDotNet.Artifacts/results/). Exit status 1 when a benchmark failed, which includes a kernel whose
/// check against the naive reference threw in [GlobalSetup], or when the filter matched nothing.
///   dotnet run -c Release --project benchmarks/VisionCuda.Benchmarks -- --filter '*BatchNorm*' [--job short]
/// Environment: VISIONCUDA_BENCH_SIZE=tiny|small|model (kernel shapes, default model), VISIONCUDA_BENCH_DEVICES,
/// VISIONCUDA_PEAK_GFLOPS / VISIONCUDA_PEAK_GBPS (peaks for the % column).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // DefaultConfig already exports GitHub markdown, CSV and HTML; JSON is added. Long "device | case" values stay whole.
        var config = DefaultConfig.Instance
            .AddExporter(JsonExporter.Full)
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(80));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
        if (args.Any(a => a is "--list" or "--help" or "-h" or "--info" or "--version")) return 0;
        if (summaries.Count == 0 || summaries.All(s => s.Reports.Length == 0))
        {
            Console.Error.WriteLine("no benchmark ran (filter matched nothing?)");
            return 1;
        }
        int failed = summaries.Sum(s => s.Reports.Count(r => !r.Success) + (s.HasCriticalValidationErrors ? 1 : 0));
        if (failed > 0) Console.Error.WriteLine($"{failed} benchmark(s) failed (a kernel check before timing, or a run error)");
        return failed == 0 ? 0 : 1;
    }
}
