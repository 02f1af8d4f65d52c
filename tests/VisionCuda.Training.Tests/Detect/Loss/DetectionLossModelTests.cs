using VisionCuda.Models.Yolo;
using VisionCuda.Training.Detect.Loss;

namespace VisionCuda.Training.Tests.Detect.Loss;

// The loss on a real model: every trainable parameter gets a finite gradient, and images without boxes and batches
// without any box work. (A "gradient step lowers the loss" check is not meaningful on one batch: as in Ultralytics
// the targets depend on the predictions through the assigner but are constants for the gradient, so the computed
// loss can rise after a small step. The loss gradient itself is checked against goldens.)
public sealed class DetectionLossModelTests
{
    private static DetectionTargets SomeTargets() => DetectionTargets.FromRows(new float[]
    {
        0, 0, 0.30f, 0.40f, 0.30f, 0.35f,
        0, 2, 0.70f, 0.60f, 0.40f, 0.50f,
        1, 1, 0.50f, 0.50f, 0.60f, 0.20f,
    });

    [Fact]
    public void BackwardReachesEveryTrainableParameter()
    {
        using var model = YoloModel.FromYaml("yolov8n.yaml", nc: 3);
        var loss = new DetectionLoss(model);
        var x = Tensor.Uniform(new[] { 3, 3, 64, 64 }, 0f, 1f, 11);   // image 2 has no boxes
        var r = loss.Compute(model.ForwardLevels(x), SomeTargets());
        Assert.True(r.Foreground > 0);
        Assert.True(float.IsFinite(r.Box) && float.IsFinite(r.Cls) && float.IsFinite(r.Dfl) && r.Box > 0 && r.Dfl > 0);
        Assert.Equal((r.Box + r.Cls + r.Dfl) * 3, r.Total.Item(), 3);
        r.Total.Backward();
        foreach (var (name, p) in model.NamedParameters())
        {
            if (!p.RequiresGrad)
            {
                Assert.Null(p.Grad);
                continue;
            }
            Assert.True(p.Grad is not null, $"{name} got no gradient");
            Assert.True(p.Grad!.ToArray().All(float.IsFinite), $"{name} has a non-finite gradient");
        }
    }

    [Fact]
    public void BatchWithoutBoxesHasOnlyClassLoss()
    {
        using var model = YoloModel.FromYaml("yolov8n.yaml", nc: 2);
        var loss = new DetectionLoss(model);
        var levels = model.ForwardLevels(Tensor.Uniform(new[] { 2, 3, 64, 64 }, 0f, 1f, 3));
        var r = loss.Compute(levels, DetectionTargets.Empty);
        Assert.Equal(0, r.Foreground);
        Assert.Equal(0f, r.Box);
        Assert.Equal(0f, r.Dfl);
        Assert.True(r.Cls > 0);
        r.Total.Backward();
        Assert.All(levels, l => Assert.True(l.Grad is null || l.Grad.ToArray().All(float.IsFinite)));
    }

    [Fact]
    public void InverseFrequencyWeightsAverageOne()
    {
        var w = ClassWeights.InverseFrequency(new long[] { 10, 30, 0, 60 });
        Assert.Equal(4, w.Length);
        Assert.Equal(1.0, w.Average(), 5);
        Assert.True(w[0] > w[1] && w[1] > w[3]);
        Assert.Equal(w[0], w[2]);
    }

    [Fact]
    public void ClassWeightsMustMatchNc()
        => Assert.Throws<ArgumentException>(() => new DetectionLoss(3, new[] { 8, 16, 32 }, 16, new DetectionLossOptions { ClassWeights = new[] { 1f, 2f } }));
}
