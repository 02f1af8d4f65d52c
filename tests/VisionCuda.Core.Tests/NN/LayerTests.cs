using VisionCuda.Backends;
using VisionCuda.Memory;
using VisionCuda.NN;

namespace VisionCuda.Core.Tests.NN;

/// <summary>Layer wiring: output shapes, parameter shapes and modes. Op numerics are covered by the F tests.</summary>
public class LayerTests
{
    public static IEnumerable<object[]> Cases()
    {
        yield return new object[] { new Conv2d(3, 8, 3, stride: 2, padding: 1), new[] { 2, 8, 4, 4 } };
        yield return new object[] { new Conv2d(3, 6, 3, padding: 2, dilation: 2, groups: 3, bias: false), new[] { 2, 6, 8, 8 } };
        yield return new object[] { new ConvTranspose2d(3, 4, 2, stride: 2), new[] { 2, 4, 16, 16 } };
        yield return new object[] { new BatchNorm2d(3), new[] { 2, 3, 8, 8 } };
        yield return new object[] { new MaxPool2d(2), new[] { 2, 3, 4, 4 } };
        yield return new object[] { new MaxPool2d(3, 2, 1), new[] { 2, 3, 4, 4 } };
        yield return new object[] { new AvgPool2d(2), new[] { 2, 3, 4, 4 } };
        yield return new object[] { new AdaptiveAvgPool2d(1), new[] { 2, 3, 1, 1 } };
        yield return new object[] { new GlobalAvgPool2d(), new[] { 2, 3, 1, 1 } };
        yield return new object[] { new Upsample(2), new[] { 2, 3, 16, 16 } };
        yield return new object[] { new Upsample(2, InterpolationMode.Bilinear), new[] { 2, 3, 16, 16 } };
        yield return new object[] { new Flatten(), new[] { 2, 192 } };
        yield return new object[] { new Sequential(new Flatten(), new Linear(192, 5)), new[] { 2, 5 } };
        yield return new object[] { new ReLU(), new[] { 2, 3, 8, 8 } };
        yield return new object[] { new ReLU6(), new[] { 2, 3, 8, 8 } };
        yield return new object[] { new SiLU(), new[] { 2, 3, 8, 8 } };
        yield return new object[] { new LeakyReLU(0.1f), new[] { 2, 3, 8, 8 } };
        yield return new object[] { new Hardswish(), new[] { 2, 3, 8, 8 } };
        yield return new object[] { new Sigmoid(), new[] { 2, 3, 8, 8 } };
        yield return new object[] { new Identity(), new[] { 2, 3, 8, 8 } };
        yield return new object[] { new Dropout(0.3), new[] { 2, 3, 8, 8 } };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardShapes(Module layer, int[] expected)
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Uniform(new[] { 2, 3, 8, 8 }, -2, 2, 5);
        x.RequiresGrad = true;
        var y = layer.Forward(x);
        Assert.Equal(expected, y.Shape);
        F.Sum(y).Backward();
        Assert.Equal(x.Shape, x.Grad!.Shape);
        foreach (var p in layer.Parameters()) Assert.Equal(p.Shape, p.Grad!.Shape);
        layer.Eval();
        using (VisionCuda.Autograd.GradMode.NoGrad()) Assert.Equal(expected, layer.Forward(x).Shape);
        layer.Dispose();
    }

    [Fact]
    public void ActivationsComputeTheRightFunction()
    {
        var x = Tensor.FromArray(new float[] { -8, -1, 0, 2, 7 }, new[] { 5 });
        Assert.Equal(new float[] { 0, 0, 0, 2, 6 }, new ReLU6().Forward(x).ToArray());
        Assert.Equal(new float[] { -0.8f, -0.1f, 0, 2, 7 }, new LeakyReLU(0.1f).Forward(x).ToArray());
        Assert.Equal(new float[] { 0, -1f / 3, 0, 2f * 5 / 6, 7 }, new Hardswish().Forward(x).ToArray().Select(v => MathF.Round(v, 6)).ToArray(),
            new FloatTolerance(1e-5f));
    }

    private sealed class FloatTolerance(float tol) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tol;

        public int GetHashCode(float obj) => 0;
    }

    [Fact]
    public void BatchNormUpdatesRunningStatsOnlyInTraining()
    {
        using var bn = new BatchNorm2d(2);
        var x = Tensor.FromArray(new float[] { 1, 3, 10, 10, 5, 7, 10, 10 }, new[] { 2, 2, 1, 2 });
        bn.Forward(x);
        // channel 0: values 1,3,5,7 -> mean 4, unbiased var 20/3; running = 0.9*init + 0.1*batch.
        Assert.Equal(0.4f, bn.RunningMean.ToArray()[0], 5);
        Assert.Equal(0.9f + 0.1f * 20f / 3f, bn.RunningVar.ToArray()[0], 5);
        bn.Eval();
        var before = bn.RunningMean.ToArray();
        bn.Forward(x);
        Assert.Equal(before, bn.RunningMean.ToArray());
        Assert.IsAssignableFrom<INormLayer>(bn);
    }

    [Fact]
    public void ParameterShapesFollowPyTorch()
    {
        using var c = new Conv2d(4, 8, 3, groups: 2);
        Assert.Equal(new[] { 8, 2, 3, 3 }, c.Weight.Shape);
        using var t = new ConvTranspose2d(4, 6, 2, groups: 2);
        Assert.Equal(new[] { 4, 3, 2, 2 }, t.Weight.Shape);
        using var l = new Linear(5, 3, bias: false);
        Assert.Equal(new[] { 3, 5 }, l.Weight.Shape);
        Assert.Null(l.Bias);
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 8, 3, groups: 2));
    }
}
