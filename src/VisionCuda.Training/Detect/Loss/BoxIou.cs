using VisionCuda.Autograd;
using VisionCuda.Backends;

namespace VisionCuda.Training.Detect.Loss;

// Design notes
// - Complete IoU (Zheng et al. 2020) of xyxy boxes, in two forms:
//   * Ciou(BoxTensors, BoxTensors): composed of F ops, so it runs on any backend and autograd gives its gradient
//     (checked against PyTorch goldens and finite differences). alpha = v / (v - IoU + 1 + eps) is a constant in the
//     backward pass, as in the reference. Overlap clamps use F.Clamp(x, 0, +inf).
//   * CiouHost(...): the same formula in float32 scalar arithmetic (VisionCuda.Backends.BoxMath.Ciou, which the box
//     ops of every backend keep to).
//   The loss itself now uses F.Ciou (one fused backend op, forward and backward); this composed form stays as the
//   independent reference that tests check the fused op against.
// - Where the two boxes share a coordinate exactly, F.Maximum/Minimum route the gradient to one side, whereas
//   PyTorch splits it in halves; the goldens avoid that measure-zero case.
// - There is no atan op in F: AtanNonNegative builds it from F ops by two argument reductions
//   (atan r = pi/4 + atan((r-1)/(r+1)), atan t = 2 atan(t / (1 + sqrt(1 + t^2)))) and the Cephes atanf polynomial on
//   |u| <= tan(pi/8), accurate to about 2e-7. Valid for r > -1; the ratios w/h here are >= 0.
// - eps = 1e-7 as in YOLOv8's bbox_iou: added to both heights, the union and the squared enclosing diagonal.

/// <summary>Boxes as four same-shaped (or broadcastable) coordinate tensors x1, y1, x2, y2.</summary>
public readonly record struct BoxTensors(Tensor X1, Tensor Y1, Tensor X2, Tensor Y2);

/// <summary>CIoU as F ops (differentiable) and as host scalars; see the design notes at the top of the file.</summary>
public static class BoxIou
{
    public const float Eps = 1e-7f;

    private const float FourOverPiSquared = (float)(4.0 / (Math.PI * Math.PI));

    /// <summary>CIoU of <paramref name="a"/> and <paramref name="b"/>, elementwise (broadcasting).</summary>
    public static Tensor Ciou(BoxTensors a, BoxTensors b, float eps = Eps)
    {
        var w1 = a.X2 - a.X1;
        var h1 = a.Y2 - a.Y1 + eps;
        var w2 = b.X2 - b.X1;
        var h2 = b.Y2 - b.Y1 + eps;
        var iw = ClampMin0(F.Minimum(a.X2, b.X2) - F.Maximum(a.X1, b.X1));
        var ih = ClampMin0(F.Minimum(a.Y2, b.Y2) - F.Maximum(a.Y1, b.Y1));
        var inter = iw * ih;
        var union = w1 * h1 + w2 * h2 - inter + eps;
        var iou = inter / union;
        var cw = F.Maximum(a.X2, b.X2) - F.Minimum(a.X1, b.X1);
        var ch = F.Maximum(a.Y2, b.Y2) - F.Minimum(a.Y1, b.Y1);
        var c2 = cw * cw + ch * ch + eps;
        var dx = b.X1 + b.X2 - a.X1 - a.X2;
        var dy = b.Y1 + b.Y2 - a.Y1 - a.Y2;
        var rho2 = (dx * dx + dy * dy) * 0.25f;
        var da = AtanNonNegative(w2 / h2) - AtanNonNegative(w1 / h1);
        var v = da * da * FourOverPiSquared;
        Tensor alpha;
        using (GradMode.NoGrad())
        {
            var vd = v.Detach();
            alpha = vd / (vd - iou.Detach() + (1f + eps));
        }
        return iou - (rho2 / c2 + v * alpha);
    }

    private static Tensor ClampMin0(Tensor x) => F.Clamp(x, 0f, float.PositiveInfinity);

    /// <summary>atan(r) for r &gt; -1 from F ops (see the design notes), differentiable.</summary>
    public static Tensor AtanNonNegative(Tensor r)
    {
        var t = (r - 1f) / (r + 1f);
        var u = t / (F.Sqrt(t * t + 1f) + 1f);
        var z = u * u;
        // Cephes atanf on |u| <= tan(pi/8): u + u z (((c0 z + c1) z + c2) z + c3).
        var p = z * 8.05374449538e-2f - 1.38776856032e-1f;
        p = p * z + 1.99777106478e-1f;
        p = p * z - 3.33329491539e-1f;
        var atanU = p * z * u + u;
        return atanU * 2f + (float)(Math.PI / 4);
    }

    /// <summary>CIoU of one pair of xyxy boxes in float32, in the order of operations of the tensor form.</summary>
    public static float CiouHost(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2, float eps = Eps) =>
        BoxMath.Ciou(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2, eps);
}
