using VisionCuda.Training.Tests.Engine;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Tests.Classify;

/// <summary>
/// Exact resume: a 5-epoch --deterministic --seed 0 run, killed with SIGKILL during epoch 3 and resumed, ends with a
/// last.safetensors bitwise identical to an uninterrupted run's. The killed run is a real child process.
/// </summary>
public class ExactResumeTests
{
    [Fact]
    public void KilledDuringEpoch3AndResumedEndsBitwiseEqual()
    {
        using var cli = new CliRunner();
        string data = Path.Combine(cli.Root, "shapes");
        SyntheticShapes.WriteImageFolder(data, 24, 2, imageSize: 16, seed: 11);
        string[] common = { "train", "classify", $"data={data}", "model=cnn", "epochs=5", "batch=8", "imgsz=16", "--deterministic", "seed=0", "workers=2" };

        ChildCli.RunToEnd(cli.Root, common.Append("name=full").ToArray());

        string results = Path.Combine(cli.Root, "runs", "classify", "killed", "results.csv");
        bool killedInEpoch3 = false;
        for (int attempt = 0; attempt < 3 && !killedInEpoch3; attempt++)
            killedInEpoch3 = ChildCli.KillAfterRows(cli.Root, results, 2, common.Append("name=killed").Append("--exist_ok").ToArray()).Killed;
        Assert.True(killedInEpoch3, "could not kill the run during epoch 3");

        ChildCli.RunToEnd(cli.Root, "train", "classify", $"resume={Path.Combine(cli.Root, "runs", "classify", "killed")}");
        var a = File.ReadAllBytes(Path.Combine(cli.Root, "runs", "classify", "full", "weights", "last.safetensors"));
        var b = File.ReadAllBytes(Path.Combine(cli.Root, "runs", "classify", "killed", "weights", "last.safetensors"));
        Assert.True(a.AsSpan().SequenceEqual(b), "last.safetensors differs between the resumed and the uninterrupted run");
        Assert.Equal(6, File.ReadAllLines(results).Length);
    }
}
