using VisionCuda.Backends;
using VisionCuda.Memory;
using VisionCuda.TestSupport;

namespace VisionCuda.Core.Tests.Goldens;

/// <summary>F.Interpolate / F.Upsample (bilinear, nearest) forward and gradients against PyTorch 1.13 F.interpolate.</summary>
public class InterpolateGoldenTests
{
    // Each output is a weighted sum of at most 4 inputs and the backward scatters sums: relative 1e-4, absolute 1e-5.
    private const double Rtol = 1e-4, Atol = 1e-5;

    private static InterpolationMode Mode(GoldenFile g) => g.Param<string>("mode") switch
    {
        "bilinear" => InterpolationMode.Bilinear,
        "nearest" => InterpolationMode.Nearest,
        var m => throw new InvalidDataException($"{g.Name}: unknown mode {m}"),
    };

    /// <summary>Every case through Interpolate with an explicit output size.</summary>
    [Theory]
    [InlineData("bilinear_scale2")]
    [InlineData("bilinear_scale2_align")]
    [InlineData("bilinear_size_odd")]
    [InlineData("bilinear_size_odd_align")]
    [InlineData("bilinear_down")]
    [InlineData("nearest_scale2")]
    [InlineData("nearest_size_odd")]
    public void Interpolate(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("interpolate", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);

        var y = F.Interpolate(x, g.Param<int>("out_h"), g.Param<int>("out_w"), Mode(g), g.Param<bool>("align_corners"));
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }

    /// <summary>The integer-scale cases through Upsample, as a YOLO neck calls it.</summary>
    [Theory]
    [InlineData("bilinear_scale2")]
    [InlineData("bilinear_scale2_align")]
    [InlineData("nearest_scale2")]
    public void Upsample(string name)
    {
        var g = GoldenFile.Load(name);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);

        var y = F.Upsample(x, g.Param<int>("scale"), Mode(g), g.Param<bool>("align_corners"));
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }
}
