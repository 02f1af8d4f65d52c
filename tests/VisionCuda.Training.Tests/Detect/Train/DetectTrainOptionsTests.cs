using VisionCuda.Training.Detect.Train;
using VisionCuda.Training.Options;
using VisionCuda.Training.Tests.Classify;

namespace VisionCuda.Training.Tests.Detect.Train;

/// <summary>Defaults and argument handling of train detect.</summary>
public class DetectTrainOptionsTests
{
    [Fact]
    public void DefaultsFollowUltralyticsAndTheEmbeddedSetIsBoundedByTime()
    {
        var o = new DetectTrainOptions();
        Assert.Equal(("yolov8n.yaml", 16, 0.01, 0.01, 0.937, 0.0005), (o.Model, o.Batch, o.Lr0, o.Lrf, o.Momentum, o.WeightDecay));
        Assert.Equal((3.0, 0.8, 0.1, 16), (o.WarmupEpochs, o.WarmupMomentum, o.WarmupBiasLr, o.Nbs));
        Assert.Equal((7.5, 0.5, 1.5), (o.Box, o.Cls, o.Dfl));
        Assert.Equal((0.015, 0.7, 0.4, 0.1, 0.5, 0.5, 1.0, 0.0, 10), (o.HsvH, o.HsvS, o.HsvV, o.Translate, o.Scale, o.Fliplr, o.Mosaic, o.Mixup, o.CloseMosaic));
        o.Resolve();
        Assert.Equal(320, o.Imgsz);
        Assert.Equal(100, o.Epochs);
        Assert.True(o.Time > 0, "the embedded default trains for a fixed time");

        var d = new DetectTrainOptions { Data = "x.yaml" };
        d.Resolve();
        Assert.Equal((640, 100, 0.0), (d.Imgsz!.Value, d.Epochs!.Value, d.Time));
        var e = new DetectTrainOptions { Epochs = 3 };
        e.Resolve();
        Assert.Equal(0.0, e.Time);
    }

    [Fact]
    public void ResultsColumnsAreUltralytics()
    {
        Assert.Equal(new[]
        {
            "epoch", "train/box_loss", "train/cls_loss", "train/dfl_loss", "metrics/precision(B)", "metrics/recall(B)", "metrics/mAP50(B)",
            "metrics/mAP50-95(B)", "val/box_loss", "val/cls_loss", "val/dfl_loss", "lr/pg0", "lr/pg1", "lr/pg2",
        }, DetectTrainer.ResultsColumns);
    }

    [Fact]
    public void BadValuesGiveOneLineNamingTheArgument()
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("train", "detect", "imgsz=100", "epochs=1");
        Assert.Equal(2, code);
        Assert.Contains("'imgsz'", err);
        Assert.DoesNotContain("   at ", err);
        (code, _, err) = cli.Run("train", "detect", "mosaic=2", "epochs=1");
        Assert.Equal(2, code);
        Assert.Contains("'mosaic'", err);
        (code, _, err) = cli.Run("predict", "detect", "source=nowhere");
        Assert.NotEqual(0, code);
        Assert.Contains("'model'", err);
    }
}
