using System.Diagnostics;
using VisionCuda.Training.Runs;
using VisionCuda.Training.Tests.Classify;
using Xunit.Abstractions;

namespace VisionCuda.Training.Tests.Detect.EndToEnd;

/// <summary>
/// Issue #6's "default training" acceptance: `visioncuda train detect` with no arguments (the embedded synthetic
/// set, yolov8n, imgsz 320, bounded by the default 20-minute time budget) reaches mAP50 >= 0.90 on the 2-core CPU.
/// Its own tier (VISIONCUDA_DETECT_DEFAULT=1) because it takes the whole 20 minutes: .ci/run runs it as a separate
/// step after the other tests, so nothing else shares the machine while the budget runs.
/// </summary>
[Trait("Category", "DefaultTraining")]
public class DefaultDetectTrainingTests
{
    private readonly ITestOutputHelper _out;

    public DefaultDetectTrainingTests(ITestOutputHelper output) => _out = output;

    [SkippableFact]
    public void DefaultTrainDetectReachesMap50OfNinetyPercent()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("VISIONCUDA_DETECT_DEFAULT") == "1",
            "20-minute test: set VISIONCUDA_DETECT_DEFAULT=1 (.ci/run does, in its own step)");
        using var cli = new CliRunner();
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = cli.Run("train", "detect", "name=default");
        clock.Stop();
        Assert.True(code == 0, stderr + stdout);

        string runDir = Path.Combine(cli.Root, "runs", "detect", "default");
        var rows = ResultsCsv.Read(Path.Combine(runDir, "results.csv"));
        var best = rows.MaxBy(r => 0.1 * r["metrics/mAP50(B)"] + 0.9 * r["metrics/mAP50-95(B)"])!;
        var last = rows[^1];
        string summary = $"epochs {rows.Count}, wall {clock.Elapsed.TotalMinutes:F1} min; best epoch mAP50 {best["metrics/mAP50(B)"]:F3} " +
                         $"mAP50-95 {best["metrics/mAP50-95(B)"]:F3}; last epoch mAP50 {last["metrics/mAP50(B)"]:F3} mAP50-95 {last["metrics/mAP50-95(B)"]:F3}";
        _out.WriteLine(summary);
        Console.WriteLine("default train detect: " + summary);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "visioncuda-default-detect.txt"), summary + "\n" + File.ReadAllText(Path.Combine(runDir, "results.csv")));
        Assert.True(best["metrics/mAP50(B)"] >= 0.90, "mAP50 below 0.90: " + summary + "\n" + stdout);
    }
}
