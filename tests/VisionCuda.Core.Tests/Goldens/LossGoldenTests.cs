using VisionCuda.Memory;
using VisionCuda.TestSupport;

namespace VisionCuda.Core.Tests.Goldens;

/// <summary>
/// Losses (reduction mean) against PyTorch 1.13 / torchvision 0.14, and against the softmax focal and Dice losses
/// whose formulas are documented in tools/goldens/make_goldens.py. The upstream gradient grad_out is a random scalar.
/// </summary>
public class LossGoldenTests
{
    // conventions.md: losses at relative 1e-4, absolute 1e-5.
    private const double Rtol = 1e-4, Atol = 1e-5;

    [Theory]
    [InlineData("cross_entropy_plain")]
    [InlineData("cross_entropy_smooth_weight")]
    [InlineData("cross_entropy_smooth")]
    [InlineData("cross_entropy_ignore_index")]
    [InlineData("cross_entropy_ignore_index_255")]
    [InlineData("cross_entropy_spatial")]
    public void CrossEntropy(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("cross_entropy", g.Op);
        Assert.Equal("mean", g.Param<string>("reduction"));
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        var target = g.ToIntTensor("target");
        var weight = g.Param<bool>("has_weight") ? g.ToTensor("weight") : null;

        var loss = F.CrossEntropy(x, target, weight, labelSmoothing: g.Param<float>("label_smoothing"),
            ignoreIndex: g.Param<int>("ignore_index"));
        g.AssertClose("out", loss, Rtol, Atol);

        loss.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }

    [Theory]
    [InlineData("bce_with_logits_plain")]
    [InlineData("bce_with_logits_pos_weight")]
    [InlineData("bce_with_logits_soft")]
    public void BinaryCrossEntropyWithLogits(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("bce_with_logits", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        var target = g.ToTensor("target");

        var loss = F.BinaryCrossEntropyWithLogits(x, target, posWeight: g.Param<float>("pos_weight"));
        g.AssertClose("out", loss, Rtol, Atol);

        loss.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }

    [Theory]
    [InlineData("sigmoid_focal_loss")]
    public void SigmoidFocalLoss(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("sigmoid_focal_loss", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        var target = g.ToTensor("target");

        var loss = F.SigmoidFocalLoss(x, target, alpha: g.Param<float>("alpha"), gamma: g.Param<float>("gamma"));
        g.AssertClose("out", loss, Rtol, Atol);

        loss.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }

    /// <summary>Softmax focal loss: mean_i(-w[t_i] (1-p_t)^gamma log p_t), a plain mean over samples.</summary>
    [Theory]
    [InlineData("focal_loss_softmax")]
    [InlineData("focal_loss_softmax_weight")]
    public void FocalLoss(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("focal_loss", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        var target = g.ToIntTensor("target");
        var weight = g.Param<bool>("has_weight") ? g.ToTensor("weight") : null;

        var loss = F.FocalLoss(x, target, gamma: g.Param<float>("gamma"), weight: weight);
        g.AssertClose("out", loss, Rtol, Atol);

        loss.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }

    /// <summary>Dice over probabilities: mean_{n,c}(1 - (2 sum(p t) + s) / (sum p + sum t + s)), s = 1.</summary>
    [Theory]
    [InlineData("dice_loss")]
    public void DiceLoss(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("dice_loss", g.Op);
        using var scope = DisposeScope.Enter();
        var probs = g.ToTensor("x", requiresGrad: true);
        var target = g.ToTensor("target");

        var loss = F.DiceLoss(probs, target, smooth: g.Param<float>("smooth"));
        g.AssertClose("out", loss, Rtol, Atol);

        loss.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", probs.Grad, Rtol, Atol);
    }
}
