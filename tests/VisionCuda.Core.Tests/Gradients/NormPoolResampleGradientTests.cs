using VisionCuda.Backends;
using VisionCuda.TestSupport;
using static VisionCuda.TestSupport.GradCheck;

namespace VisionCuda.Core.Tests.Gradients;

public class NormPoolResampleGradientTests
{
    [Fact]
    public void BatchNormTrainingMode()
    {
        var x = Rand(new[] { 3, 2, 4, 3 }, 50, -2f, 2f);
        var g = Rand(new[] { 2 }, 51, 0.5f, 1.5f);
        var b = Rand(new[] { 2 }, 52);
        // Running stats are updated on every evaluation; they do not affect the training-mode output.
        Check(t => F.BatchNorm2d(t[0], Tensor.Zeros(new[] { 2 }), Tensor.Ones(new[] { 2 }), t[1], t[2], training: true),
            new[] { x, g, b }, name: "batchnorm train");
    }

    [Fact]
    public void BatchNormEvalMode()
    {
        var x = Rand(new[] { 2, 3, 3, 2 }, 53);
        var g = Rand(new[] { 3 }, 54, 0.5f, 1.5f);
        var b = Rand(new[] { 3 }, 55);
        var mean = Tensor.FromArray(new[] { 0.1f, -0.2f, 0.3f }, new[] { 3 });
        var var = Tensor.FromArray(new[] { 0.5f, 1.5f, 2f }, new[] { 3 });
        Check(t => F.BatchNorm2d(t[0], mean, var, t[1], t[2], training: false), new[] { x, g, b }, name: "batchnorm eval");
    }

    [Fact]
    public void MaxAndAvgPooling()
    {
        var x = Rand(new[] { 2, 2, 7, 6 }, 56);
        var distinct = DistinctRand(new[] { 2, 2, 7, 6 }, 59);
        Check(t => F.MaxPool2d(t[0], 3, 2, 1), new[] { distinct }, name: "maxpool 3/2/1");
        Check(t => F.MaxPool2d(t[0], 2, 2, 0, ceilMode: true), new[] { distinct }, name: "maxpool ceil");
        Check(t => F.AvgPool2d(t[0], 3, 2, 1), new[] { x }, name: "avgpool include pad");
        Check(t => F.AvgPool2d(t[0], 3, 2, 1, countIncludePad: false), new[] { x }, name: "avgpool exclude pad");
        Check(t => F.GlobalAvgPool2d(t[0]), new[] { x }, name: "global avg pool");
    }

    [Fact]
    public void NearestAndBilinearUpsample()
    {
        var x = Rand(new[] { 1, 2, 3, 4 }, 57);
        Check(t => F.Upsample(t[0], 2), new[] { x }, name: "nearest x2");
        Check(t => F.Interpolate(t[0], 5, 7, InterpolationMode.Nearest), new[] { x }, name: "nearest to 5x7");
        Check(t => F.Interpolate(t[0], 5, 7, InterpolationMode.Bilinear), new[] { x }, name: "bilinear to 5x7");
        Check(t => F.Interpolate(t[0], 6, 8, InterpolationMode.Bilinear, alignCorners: true), new[] { x }, name: "bilinear align corners");
    }

    [Fact]
    public void DropoutScalesKeptElementsAndIsReproducible()
    {
        var x = Rand(new[] { 4, 25 }, 58);
        Check(t => F.Dropout(t[0], 0.3f, training: true, seed: 99), new[] { x }, name: "dropout");
    }
}
