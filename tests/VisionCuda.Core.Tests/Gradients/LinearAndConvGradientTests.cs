using VisionCuda.TestSupport;
using static VisionCuda.TestSupport.GradCheck;

namespace VisionCuda.Core.Tests.Gradients;

public class LinearAndConvGradientTests
{
    [Fact]
    public void MatmulPlainBatchedAndShared()
    {
        Check(t => F.Matmul(t[0], t[1]), new[] { Rand(new[] { 3, 5 }, 30), Rand(new[] { 5, 4 }, 31) }, name: "matmul");
        Check(t => F.Matmul(t[0], t[1]), new[] { Rand(new[] { 2, 3, 5 }, 32), Rand(new[] { 2, 5, 4 }, 33) }, name: "batched matmul");
        Check(t => F.Matmul(t[0], t[1]), new[] { Rand(new[] { 2, 3, 5 }, 34), Rand(new[] { 5, 4 }, 35) }, name: "matmul shared rhs");
    }

    [Fact]
    public void LinearWithAndWithoutBias()
    {
        var x = Rand(new[] { 4, 7 }, 36);
        var w = Rand(new[] { 3, 7 }, 37);
        var b = Rand(new[] { 3 }, 38);
        Check(t => F.Linear(t[0], t[1], t[2]), new[] { x, w, b }, name: "linear");
        Check(t => F.Linear(t[0], t[1]), new[] { x, w }, name: "linear no bias");
    }

    [Theory]
    // n, c, h, w, k, r, stride, pad, dilation, groups
    [InlineData(2, 3, 7, 6, 4, 3, 1, 1, 1, 1)]
    [InlineData(1, 4, 9, 7, 6, 3, 2, 1, 1, 2)]
    [InlineData(2, 2, 8, 8, 3, 3, 1, 2, 2, 1)]
    [InlineData(1, 4, 6, 5, 4, 3, 1, 1, 1, 4)]
    [InlineData(2, 3, 5, 5, 2, 1, 1, 0, 1, 1)]
    public void Conv2dInputWeightAndBias(int n, int c, int h, int w, int k, int r, int stride, int pad, int dil, int groups)
    {
        var x = Rand(new[] { n, c, h, w }, 40);
        var wt = Rand(new[] { k, c / groups, r, r }, 41);
        var b = Rand(new[] { k }, 42);
        Check(t => F.Conv2d(t[0], t[1], t[2], stride, pad, dil, groups), new[] { x, wt, b },
            name: $"conv2d s{stride} p{pad} d{dil} g{groups}");
    }

    [Theory]
    // n, cin, h, w, cout, r, stride, pad, outputPadding, groups
    [InlineData(2, 3, 4, 5, 2, 3, 2, 1, 1, 1)]
    [InlineData(1, 4, 3, 3, 6, 3, 1, 0, 0, 2)]
    [InlineData(1, 2, 3, 4, 3, 2, 2, 0, 0, 1)]
    public void ConvTranspose2dInputWeightAndBias(int n, int cin, int h, int w, int cout, int r, int stride, int pad, int outPad, int groups)
    {
        var x = Rand(new[] { n, cin, h, w }, 43);
        var wt = Rand(new[] { cin, cout / groups, r, r }, 44);
        var b = Rand(new[] { cout }, 45);
        Check(t => F.ConvTranspose2d(t[0], t[1], t[2], stride, pad, outPad, 1, groups), new[] { x, wt, b },
            name: $"conv_transpose2d s{stride} p{pad} op{outPad} g{groups}");
    }
}
