using VisionCuda.Memory;
using VisionCuda.TestSupport;

namespace VisionCuda.Core.Tests.Goldens;

/// <summary>F.Conv2d / F.ConvTranspose2d forward and gradients against PyTorch 1.13 (tools/goldens/make_goldens.py).</summary>
public class ConvGoldenTests
{
    // conventions.md: conv is checked at relative 1e-4, absolute 1e-5.
    private const double Rtol = 1e-4, Atol = 1e-5;

    [Theory]
    [InlineData("conv2d_basic")]
    [InlineData("conv2d_stride2")]
    [InlineData("conv2d_padding")]
    [InlineData("conv2d_dilation2")]
    [InlineData("conv2d_groups2")]
    [InlineData("conv2d_depthwise")]
    [InlineData("conv2d_bias")]
    [InlineData("conv2d_1x1_bias")]
    [InlineData("conv2d_s2p1_bias")]
    public void Conv2d(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("conv2d", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        var w = g.ToTensor("weight", requiresGrad: true);
        var b = g.Param<bool>("bias") ? g.ToTensor("bias", requiresGrad: true) : null;

        var y = F.Conv2d(x, w, b, g.Param<int>("stride"), g.Param<int>("padding"), g.Param<int>("dilation"), g.Param<int>("groups"));
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
        g.AssertClose("grad_weight", w.Grad, Rtol, Atol);
        if (b is not null) g.AssertClose("grad_bias", b.Grad, Rtol, Atol);
    }

    [Theory]
    [InlineData("conv_transpose2d_s2p1op1")]
    [InlineData("conv_transpose2d_groups2")]
    [InlineData("conv_transpose2d_k2s2")]
    public void ConvTranspose2d(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("conv_transpose2d", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        var w = g.ToTensor("weight", requiresGrad: true); // [C_in, C_out/groups, R, S], PyTorch layout
        var b = g.Param<bool>("bias") ? g.ToTensor("bias", requiresGrad: true) : null;

        var y = F.ConvTranspose2d(x, w, b, g.Param<int>("stride"), g.Param<int>("padding"), g.Param<int>("output_padding"),
            g.Param<int>("dilation"), g.Param<int>("groups"));
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
        g.AssertClose("grad_weight", w.Grad, Rtol, Atol);
        if (b is not null) g.AssertClose("grad_bias", b.Grad, Rtol, Atol);
    }
}
