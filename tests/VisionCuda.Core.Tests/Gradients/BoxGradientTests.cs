using VisionCuda.TestSupport;
using static VisionCuda.TestSupport.GradCheck;

namespace VisionCuda.Core.Tests.Gradients;

// The fused box ops' backward kernels against central finite differences (Cpu backend).
public class BoxGradientTests
{
    [Fact]
    public void CiouGradientInBoxLayout()
    {
        // [outer 2, 4, inner 3]: overlapping, nested and disjoint pairs, away from the kinks (equal edges, zero overlap).
        // The backward holds alpha = v / (v - iou + 1 + eps) constant (as the reference) while finite differences see
        // it move, so the pairs have similar aspect ratios (small v), where that term is below the tolerance.
        float[] pred =
        {
            1, 2, 0, /* x1 */ 1, 2, 0, /* y1 */ 5, 9, 3, /* x2 */ 4, 7, 3,   // image 0
            10, 4, 0.5f, 10, 1, 0.2f, 12, 6, 4, 15, 2.5f, 2.2f,              // image 1
        };
        float[] target =
        {
            2, 3, 5, 1.5f, 3.2f, 5, 6.5f, 6, 8, 5, 5, 9,
            10.5f, 3.3f, 1.1f, 9, 0.7f, 0.9f, 13, 7, 4.3f, 14, 3.1f, 2.9f,
        };
        Check(t => F.Ciou(t[0], t[1]), new[] { new Input(new[] { 2, 4, 3 }, pred), Constant(new[] { 2, 4, 3 }, target) },
            step: 1e-2, name: "ciou [2,4,3]");
    }

    [Fact]
    public void DflDecodeGradient()
    {
        var x = Rand(new[] { 3, 6, 4 }, 90, -2f, 2f);
        Check(t => F.DflDecode(t[0]), new[] { x }, name: "dfl decode");
    }

    [Fact]
    public void DflLossGradientWithIgnoredPositions()
    {
        var x = Rand(new[] { 2, 7, 3 }, 91, -2f, 2f);
        // targets off the bin centres (the loss is piecewise linear in the target, smooth in the logits), one clamped,
        // one ignored (weight 0) with a NaN target
        var target = Constant(new[] { 2, 3 }, new[] { 0.3f, 2.75f, float.NaN, 5.6f, 9f, 1.5f });
        var weight = Constant(new[] { 2, 3 }, new[] { 1f, 0.5f, 0f, 2f, 1f, 0.25f });
        Check(t => F.DflLoss(t[0], t[1], t[2]), new[] { x, target, weight }, name: "dfl loss");
    }
}
