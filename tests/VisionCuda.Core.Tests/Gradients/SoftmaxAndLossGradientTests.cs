using VisionCuda.TestSupport;
using static VisionCuda.TestSupport.GradCheck;

namespace VisionCuda.Core.Tests.Gradients;

public class SoftmaxAndLossGradientTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void SoftmaxAndLogSoftmax(int dim)
    {
        var x = Rand(new[] { 2, 4, 3 }, 60, -2f, 2f);
        Check(t => F.Softmax(t[0], dim), new[] { x }, name: "softmax");
        Check(t => F.LogSoftmax(t[0], dim), new[] { x }, name: "log_softmax");
    }

    [Fact]
    public void CrossEntropyWithSmoothingWeightsAndIgnoreIndex()
    {
        var logits = Rand(new[] { 5, 4 }, 61, -2f, 2f);
        var targets = Tensor.FromArray(new[] { 0, 3, 1, -100, 2 }, new[] { 5 });
        var weight = Tensor.FromArray(new[] { 1f, 2f, 0.5f, 1.5f }, new[] { 4 });
        Check(t => F.CrossEntropy(t[0], targets), new[] { logits }, name: "ce");
        Check(t => F.CrossEntropy(t[0], targets, weight, labelSmoothing: 0.1f), new[] { logits }, name: "ce weights+smoothing");
        Check(t => F.CrossEntropy(t[0], targets, reduction: Reduction.None), new[] { logits }, name: "ce none");
        // Spatial targets: [N, C, H, W] logits with [N, H, W] targets.
        var seg = Rand(new[] { 2, 3, 2, 2 }, 62);
        var segT = Tensor.FromArray(new[] { 0, 1, 2, 1, 2, 0, 0, 1 }, new[] { 2, 2, 2 });
        Check(t => F.CrossEntropy(t[0], segT, labelSmoothing: 0.2f), new[] { seg }, name: "ce spatial");
    }

    [Fact]
    public void BceWithLogitsFocalAndDice()
    {
        var x = Rand(new[] { 3, 4 }, 63, -3f, 3f);
        var t01 = new float[12];
        for (int i = 0; i < 12; i++) t01[i] = i % 3 == 0 ? 1f : 0f;
        var target = Tensor.FromArray(t01, new[] { 3, 4 });
        Check(t => F.BinaryCrossEntropyWithLogits(t[0], target), new[] { x }, name: "bce");
        Check(t => F.BinaryCrossEntropyWithLogits(t[0], target, Reduction.Sum, posWeight: 3f), new[] { x }, name: "bce pos_weight");
        Check(t => F.SigmoidFocalLoss(t[0], target), new[] { x }, name: "sigmoid focal");
        var targets = Tensor.FromArray(new[] { 1, 0, 3 }, new[] { 3 });
        var weight = Tensor.FromArray(new[] { 1f, 2f, 0.5f, 1.5f }, new[] { 4 });
        Check(t => F.FocalLoss(t[0], targets, 2f, weight), new[] { x }, name: "softmax focal");
        var probs = Rand(new[] { 2, 3, 3, 3 }, 64, 0.05f, 0.95f);
        var oneHot = new float[54];
        for (int i = 0; i < 54; i++) oneHot[i] = (i * 7) % 3 == 0 ? 1f : 0f;
        var diceTarget = Tensor.FromArray(oneHot, new[] { 2, 3, 3, 3 });
        Check(t => F.DiceLoss(t[0], diceTarget), new[] { probs }, name: "dice");
        Check(t => F.MseLoss(t[0], target), new[] { x }, name: "mse");
    }
}
