using VisionCuda.Memory;
using VisionCuda.TestSupport;

namespace VisionCuda.Core.Tests.Goldens;

/// <summary>F.BatchNorm2d, F.MaxPool2d and F.AvgPool2d forward and gradients against PyTorch 1.13.</summary>
public class NormPoolGoldenTests
{
    // conventions.md: reductions (batch statistics, pooling windows) at relative 1e-4, absolute 1e-5.
    private const double Rtol = 1e-4, Atol = 1e-5;

    [Theory]
    [InlineData("batchnorm2d_train")]
    [InlineData("batchnorm2d_eval")]
    public void BatchNorm2d(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("batch_norm2d", g.Op);
        bool training = g.Param<bool>("training");
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        var gamma = g.ToTensor("weight", requiresGrad: true);
        var beta = g.ToTensor("bias", requiresGrad: true);
        var runningMean = g.ToTensor("running_mean");
        var runningVar = g.ToTensor("running_var");

        var y = F.BatchNorm2d(x, runningMean, runningVar, gamma, beta, training, g.Param<float>("momentum"), g.Param<float>("eps"));
        g.AssertClose("out", y, Rtol, Atol);
        if (training)
        {
            // Running stats are updated in place: (1-momentum)*running + momentum*batch, unbiased variance.
            g.AssertClose("new_running_mean", runningMean, Rtol, Atol);
            g.AssertClose("new_running_var", runningVar, Rtol, Atol);
        }
        else
        {
            g.AssertClose("running_mean", runningMean, 0, 0);
            g.AssertClose("running_var", runningVar, 0, 0);
        }

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
        g.AssertClose("grad_weight", gamma.Grad, Rtol, Atol);
        g.AssertClose("grad_bias", beta.Grad, Rtol, Atol);
    }

    [Theory]
    [InlineData("max_pool2d_k3s2p1")]
    [InlineData("max_pool2d_ceil")]
    [InlineData("max_pool2d_k2s2")]
    public void MaxPool2d(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("max_pool2d", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);

        var y = F.MaxPool2d(x, g.Param<int>("kernel"), g.Param<int>("stride"), g.Param<int>("padding"), g.Param<bool>("ceil_mode"));
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }

    [Theory]
    [InlineData("avg_pool2d_include_pad")]
    [InlineData("avg_pool2d_exclude_pad")]
    [InlineData("avg_pool2d_k2s2")]
    public void AvgPool2d(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("avg_pool2d", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);

        var y = F.AvgPool2d(x, g.Param<int>("kernel"), g.Param<int>("stride"), g.Param<int>("padding"),
            g.Param<bool>("ceil_mode"), g.Param<bool>("count_include_pad"));
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }
}
