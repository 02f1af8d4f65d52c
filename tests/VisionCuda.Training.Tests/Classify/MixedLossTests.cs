using VisionCuda.Training.Classify;
using VisionCuda.Training.Runs;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Tests.Classify;

public class MixedLossTests
{
    [Fact]
    public void MixedLossIsTheLambdaWeightedMeanOfBothTargetsLosses()
    {
        var logits = Tensor.FromArray(new[] { 0.2f, -1f, 0.5f, 1.5f, 0.1f, -0.3f }, new[] { 2, 3 });
        var a = Tensor.FromArray(new[] { 0, 1 }, new[] { 2 });
        var b = Tensor.FromArray(new[] { 2, 0 }, new[] { 2 });
        var lam = Tensor.FromArray(new[] { 0.7f, 0.25f }, new[] { 2 });
        var loss = new ClassifyLoss(0.1f, 0f, null);
        float mixed = loss.ComputeMixed(logits, a, b, lam).Item();
        var la = F.CrossEntropy(logits, a, labelSmoothing: 0.1f, reduction: Reduction.None).ToArray();
        var lb = F.CrossEntropy(logits, b, labelSmoothing: 0.1f, reduction: Reduction.None).ToArray();
        double expected = ((0.7 * la[0] + 0.3 * lb[0]) + (0.25 * la[1] + 0.75 * lb[1])) / 2;
        Assert.Equal(expected, mixed, 5);
    }

    [Fact]
    public void TrainingWithMixupAndCutmixRunsToTheEnd()
    {
        using var cli = new CliRunner();
        string data = Path.Combine(cli.Root, "shapes");
        SyntheticShapes.WriteImageFolder(data, 4, 2, imageSize: 16, seed: 3);
        var (code, _, err) = cli.Run("train", "classify", $"data={data}", "epochs=1", "batch=8", "imgsz=16", "workers=0",
            "mixup=0.5", "cutmix=0.5", "name=mix");
        Assert.True(code == 0, err);
        var row = ResultsCsv.Read(Path.Combine(cli.Root, "runs", "classify", "mix", "results.csv"))[0];
        Assert.True(double.IsFinite(row["train/loss"]) && row["train/loss"] > 0);
    }
}
