using VisionCuda.Training.Runs;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Tests.Classify;

/// <summary>Short end-to-end runs of `train/val/predict classify` on a tiny synthetic ImageFolder.</summary>
public class TrainRunTests
{
    private static string TinyFolder(string root, int perClass = 4)
    {
        string dir = Path.Combine(root, "shapes");
        SyntheticShapes.WriteImageFolder(dir, perClass, 2, imageSize: 16, seed: 3);
        return dir;
    }

    [Fact]
    public void TrainWritesTheRunFolderAndValPredictReadIt()
    {
        using var cli = new CliRunner();
        string data = TinyFolder(cli.Root);
        var (code, stdout, err) = cli.Run("train", "classify", $"data={data}", "epochs=2", "batch=8", "imgsz=16", "workers=0", "name=tiny");
        Assert.True(code == 0, err);
        Assert.Contains("final validation top-1", stdout);
        string run = Path.Combine(cli.Root, "runs", "classify", "tiny");
        Assert.True(File.Exists(Path.Combine(run, "weights", "last.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "weights", "best.safetensors")));
        Assert.False(File.Exists(Path.Combine(run, "weights", "last.state.safetensors")), "a finished run keeps no resume state");
        Assert.Contains("lr0: 0.01", File.ReadAllText(Path.Combine(run, "args.yaml")));
        var header = File.ReadLines(Path.Combine(run, "results.csv")).First();
        Assert.Equal("epoch,train/loss,metrics/accuracy_top1,metrics/accuracy_top5,val/loss,lr/pg0,lr/pg1,lr/pg2", header);
        var rows = ResultsCsv.Read(Path.Combine(run, "results.csv"));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.True(double.IsFinite(r["train/loss"]) && r["train/loss"] > 0));

        // A second run with the same name is numbered, not overwritten.
        Assert.Equal(0, cli.Run("train", "classify", $"data={data}", "epochs=1", "batch=8", "imgsz=16", "workers=0", "name=tiny").code);
        Assert.True(Directory.Exists(run + "2"));

        string weights = Path.Combine(run, "weights", "best.safetensors");
        var (vcode, vout, verr) = cli.Run("val", "classify", $"model={weights}", $"data={data}", "workers=0");
        Assert.True(vcode == 0, verr);
        Assert.Contains("top-1", vout);
        Assert.Contains("confusion matrix", vout);

        var (pcode, pout, perr) = cli.Run("predict", "classify", $"model={weights}", $"source={Path.Combine(data, "val")}", "--save_json", "name=pred");
        Assert.True(pcode == 0, perr);
        string json = File.ReadAllText(Path.Combine(cli.Root, "runs", "classify", "pred", "predictions.json"));
        Assert.Contains("probability", json);
        Assert.Equal(20, pout.Split('\n').Count(l => l.Contains(".png: ")));
    }

    [Fact]
    public void CorruptImageIsSkippedWithAWarningNamingIt()
    {
        using var cli = new CliRunner();
        string data = TinyFolder(cli.Root);
        string bad = Path.Combine(data, "train", SyntheticShapes.Names[0], "corrupt.jpg");
        File.WriteAllBytes(bad, new byte[] { 1, 2, 3, 4, 5 });
        var (code, stdout, err) = cli.Run("train", "classify", $"data={data}", "epochs=1", "batch=8", "imgsz=16", "workers=0");
        Assert.True(code == 0, err);
        Assert.Contains("corrupt.jpg", stdout + err);
    }

    [Fact]
    public void EmptyClassFolderStopsWithItsName()
    {
        using var cli = new CliRunner();
        string data = TinyFolder(cli.Root);
        Directory.CreateDirectory(Path.Combine(data, "train", "zz_empty"));
        Directory.CreateDirectory(Path.Combine(data, "val", "zz_empty"));
        var (code, _, err) = cli.Run("train", "classify", $"data={data}", "epochs=1", "workers=0");
        Assert.NotEqual(0, code);
        Assert.Contains("zz_empty", err);
    }

    [Fact]
    public void NonFiniteLossStopsWithAClearMessage()
    {
        using var cli = new CliRunner();
        string data = TinyFolder(cli.Root);
        // Train a model, then poison its weights with NaN and fine-tune from them.
        Assert.Equal(0, cli.Run("train", "classify", $"data={data}", "epochs=1", "batch=8", "imgsz=16", "workers=0", "name=base").code);
        string good = Path.Combine(cli.Root, "runs", "classify", "base", "weights", "last.safetensors");
        string poisoned = Path.Combine(cli.Root, "nan.safetensors");
        using (var file = VisionCuda.IO.SafeTensors.Load(good))
        {
            var tensors = file.Tensors.Select(kv => new KeyValuePair<string, Tensor>(kv.Key,
                kv.Value.DType == DType.Float32 ? Tensor.Full(kv.Value.Shape, float.NaN) : kv.Value)).ToList();
            VisionCuda.IO.SafeTensors.Save(poisoned, tensors, file.Metadata);
        }
        var (code, _, err) = cli.Run("train", "classify", $"data={data}", $"model={poisoned}", "epochs=1", "batch=8", "imgsz=16", "workers=0", "name=nan");
        Assert.Equal(1, code);
        Assert.Contains("loss became NaN", err);
        Assert.DoesNotContain("   at ", err);
    }
}
