using VisionCuda.Training.Runs;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Tests.Classify;

/// <summary>
/// One epoch of `cnn` on a tiny set (4 images a class, batch 4, --deterministic --seed 0 --workers 0) gives the same
/// train/loss on every backend as on cpu, within 1e-4 relative (issues 4 and 5).
/// </summary>
public class BackendAgreementTests
{
    private static double OneEpochLoss(CliRunner cli, string data, string device)
    {
        string name = "agree-" + device.Replace(':', '_');
        var (code, _, err) = cli.Run("train", "classify", $"data={data}", "model=cnn", "epochs=1", "batch=4", "imgsz=16",
            "--deterministic", "seed=0", "workers=0", $"device={device}", $"name={name}", "--exist_ok");
        Assert.True(code == 0, err);
        return ResultsCsv.Read(Path.Combine(cli.Root, "runs", "classify", name, "results.csv"))[0]["train/loss"];
    }

    [Theory]
    [InlineData("ilgpu:cpu")]
    [InlineData("cuda-emu")]
    public void OneEpochTrainLossMatchesCpu(string device)
    {
        using var cli = new CliRunner();
        string data = Path.Combine(cli.Root, "tiny");
        SyntheticShapes.WriteImageFolder(data, 4, 1, imageSize: 16, seed: 5);
        double cpu = OneEpochLoss(cli, data, "cpu");
        double other = OneEpochLoss(cli, data, device);
        Assert.True(Math.Abs(other - cpu) <= 1e-4 * Math.Abs(cpu), $"train/loss on {device} {other:R} vs cpu {cpu:R}");
    }
}
