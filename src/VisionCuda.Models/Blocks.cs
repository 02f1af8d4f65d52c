using VisionCuda.NN;

namespace VisionCuda.Models;

/// <summary>Conv2d (no bias) + BatchNorm2d + activation, as a Sequential ("0", "1", "2") like torchvision's Conv2dNormActivation.</summary>
internal static class Blocks
{
    public static Sequential ConvBnAct(int cin, int cout, int k, int stride = 1, int groups = 1, Module? act = null)
    {
        var seq = new Sequential(new Conv2d(cin, cout, k, stride, (k - 1) / 2, groups: groups, bias: false), new BatchNorm2d(cout));
        seq.Append(act ?? new ReLU());
        return seq;
    }

    /// <summary>torchvision's _make_divisible: round to a multiple of <paramref name="divisor"/>, never below 90% of v.</summary>
    public static int MakeDivisible(double v, int divisor = 8)
    {
        int n = Math.Max(divisor, (int)(v + divisor / 2.0) / divisor * divisor);
        if (n < 0.9 * v) n += divisor;
        return n;
    }
}
