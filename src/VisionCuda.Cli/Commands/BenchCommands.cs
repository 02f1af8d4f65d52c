using System.CommandLine;
using System.Globalization;
using VisionCuda.Bench;
using VisionCuda.Cli.Parsing;
using VisionCuda.Diagnostics;

namespace VisionCuda.Cli.Commands;

/// <summary>
/// <c>visioncuda bench [--device cpu|cuda:0|cuda-emu|ilgpu:cpu] [--ops gemm,conv,bn,...] [--size tiny|small|model] [--runs N]</c>:
/// a quick kernel comparison (src/VisionCuda.Bench). Each case is checked against the naive reference
/// first, then timed: warm-up, then the median of N Stopwatch-timed runs, each ended by a device synchronise.
/// Exit status 1 when any kernel does not match its reference.
/// </summary>
internal static class BenchCommands
{
    public static Command Bench(TextWriter stdout, TextWriter stderr)
    {
        var device = new Option<string?>("--device") { Description = "device to benchmark: cpu (default), cuda:0, cuda-emu, ilgpu:cpu" };
        var ops = new Option<string?>("--ops") { Description = "comma-separated op families: " + string.Join(",", KernelCatalog.Ops) + " (default: all)" };
        var size = new Option<string?>("--size") { Description = "tiny, small (default) or model (ResNet-18 / yolov8n shapes)" };
        var runs = new Option<string?>("--runs") { Description = "timed runs per case, median reported (default 10)" };
        var cmd = new Command("bench", "quick kernel comparison: time, GFLOP/s or GB/s, % of peak, check against the naive reference");
        foreach (var o in new Option[] { device, ops, size, runs }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            string name = Devices.Normalize(parse.GetValue(device) ?? "cpu");
            string sz = (parse.GetValue(size) ?? "small").ToLowerInvariant();
            if (!KernelCatalog.Sizes.Contains(sz))
                throw new CliException($"invalid value for 'size': '{sz}' (expected {string.Join(", ", KernelCatalog.Sizes)})");
            var opList = (parse.GetValue(ops) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var op in opList)
                if (!KernelCatalog.Ops.Contains(op, StringComparer.OrdinalIgnoreCase))
                    throw new CliException($"invalid value for 'ops': '{op}' (expected some of {string.Join(",", KernelCatalog.Ops)})");
            int n = 10;
            if (parse.GetValue(runs) is { } r && (!int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out n) || n < 1))
                throw new CliException($"invalid value for 'runs': '{r}' (expected a positive integer)");
            var backend = Devices.Get(name);
            var caps = backend.Capabilities;
            if (caps.InterpreterSpeed && sz != "tiny")
            {
                stderr.WriteLine($"note: {name} runs the tiny shapes only (an interpreter-speed accelerator)");
                sz = "tiny";
            }
            string? gpuModel = caps.GpuModel;
            var (peakGflops, peakGbps) = QuickBench.Peaks(caps);
            stdout.WriteLine($"device {name}{(gpuModel is null ? "" : " (" + gpuModel + ")")}; size {sz}; median of {n} runs");
            stdout.WriteLine(gpuModel is null ? "peak: " + MachinePeak.DescribeCpu() : $"peak: {gpuModel} fp32 {peakGflops?.ToString("F0", CultureInfo.InvariantCulture) ?? "unknown"} GFLOP/s");
            stdout.WriteLine("memory peak: " + (peakGbps is { } gb ? gb.ToString("F0", CultureInfo.InvariantCulture) + " GB/s" : $"not configured (set {MachinePeak.PeakGbpsVariable})"));
            var rows = QuickBench.RunCatalog(backend, sz, opList, QuickBench.Options(caps, n), stdout);
            int bad = rows.Count(x => !x.Check.Ok);
            if (bad > 0) stderr.WriteLine($"visioncuda: {bad} kernel(s) did not match the reference or failed");
            return bad == 0 ? 0 : 1;
        });
        return cmd;
    }
}
