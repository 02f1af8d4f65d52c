namespace VisionCuda.Backends;

/// <summary>Four per-coordinate values of one xyxy box (a gradient).</summary>
public struct Box4
{
    public float X1, Y1, X2, Y2;
}

/// <summary>
/// The scalar float32 box formulas that the box ops of every backend keep to (the Cpu backend and the Ilgpu kernels
/// call these; kernels/box_ciou.cuh spells the same steps in C):
/// - CIoU (Zheng et al. 2020) as YOLOv8's bbox_iou with eps added to both heights, the union and the squared enclosing
///   diagonal; in exactly the order of operations of the host assigner it replaced, so that the metrics feeding the
///   discrete top-k are bitwise those of before on the Cpu backend.
/// - Its gradient with respect to the first box, alpha = v / (v - IoU + 1 + eps) held constant as in the reference;
///   min/max route the gradient to the first box on ties and the overlap clamp passes it at 0, as the composed F ops did.
/// </summary>
public static class BoxMath
{
    public const float FourOverPiSquared = (float)(4.0 / (Math.PI * Math.PI));

    /// <summary>YOLOv8's bbox_iou eps, also the assigner's.</summary>
    public const float CiouEps = 1e-7f;

    /// <summary>CIoU of box a and box b (xyxy).</summary>
    public static float Ciou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2, float eps)
    {
        var t = new CiouTerms(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2, eps);
        return t.Iou - (t.Rho2 / t.C2 + t.V * t.Alpha);
    }

    /// <summary>
    /// The intermediate values of CIoU, computed once in the one order of operations that both <see cref="Ciou"/> and
    /// <see cref="CiouGrad"/> keep to (the overlap widths before their clamp at 0 are kept for the gradient's routing).
    /// </summary>
    private readonly struct CiouTerms
    {
        public readonly float W1, H1, IwRaw, IhRaw, Iw, Ih, Union, Iou, Cw, Ch, C2, Dx, Dy, Rho2, Da, V, Alpha;

        public CiouTerms(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2, float eps)
        {
            W1 = ax2 - ax1;
            H1 = ay2 - ay1 + eps;
            float w2 = bx2 - bx1, h2 = by2 - by1 + eps;
            IwRaw = MathF.Min(ax2, bx2) - MathF.Max(ax1, bx1);
            IhRaw = MathF.Min(ay2, by2) - MathF.Max(ay1, by1);
            Iw = MathF.Max(IwRaw, 0f);
            Ih = MathF.Max(IhRaw, 0f);
            float inter = Iw * Ih;
            Union = W1 * H1 + w2 * h2 - inter + eps;
            Iou = inter / Union;
            Cw = MathF.Max(ax2, bx2) - MathF.Min(ax1, bx1);
            Ch = MathF.Max(ay2, by2) - MathF.Min(ay1, by1);
            C2 = Cw * Cw + Ch * Ch + eps;
            Dx = bx1 + bx2 - ax1 - ax2;
            Dy = by1 + by2 - ay1 - ay2;
            Rho2 = (Dx * Dx + Dy * Dy) / 4f;
            Da = MathF.Atan(w2 / h2) - MathF.Atan(W1 / H1);
            V = FourOverPiSquared * (Da * Da);
            Alpha = V / (V - Iou + (1f + eps));
        }
    }

    /// <summary>g * dCIoU(a, b)/da (alpha constant; see the class notes).</summary>
    public static Box4 CiouGrad(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2, float eps, float g)
    {
        var t = new CiouTerms(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2, eps);
        float w1 = t.W1, h1 = t.H1, iw = t.Iw, ih = t.Ih, union = t.Union, iou = t.Iou;
        float cw = t.Cw, ch = t.Ch, c2 = t.C2, dx = t.Dx, dy = t.Dy, rho2 = t.Rho2, da = t.Da, alpha = t.Alpha;

        // iou = inter / (A1 + A2 - inter + eps): d/dinter = (1 + iou) / union, d/dA1 = -iou / union.
        float gInter = (1f + iou) / union;
        float gIw = t.IwRaw >= 0f ? gInter * ih : 0f;
        float gIh = t.IhRaw >= 0f ? gInter * iw : 0f;
        float gA1 = -iou / union;
        float gW1 = gA1 * h1, gH1 = gA1 * w1;
        // -alpha * v with v = (4/pi^2)(atan(w2/h2) - atan(w1/h1))^2: dv/dw1 = -(8/pi^2) da h1 / (w1^2 + h1^2).
        float q = alpha * (2f * FourOverPiSquared) * da / (w1 * w1 + h1 * h1);
        gW1 += q * h1;
        gH1 -= q * w1;
        // -rho2 / c2: d/ddx = -dx / (2 c2) and d/dcw = 2 cw rho2 / c2^2.
        float gDx = -dx / (2f * c2), gDy = -dy / (2f * c2);
        float gC2 = rho2 / (c2 * c2);
        float gCw = 2f * cw * gC2, gCh = 2f * ch * gC2;

        Box4 r;
        r.X1 = g * (-gW1 - gDx - (ax1 >= bx1 ? gIw : 0f) - (ax1 <= bx1 ? gCw : 0f));
        r.X2 = g * (gW1 - gDx + (ax2 <= bx2 ? gIw : 0f) + (ax2 >= bx2 ? gCw : 0f));
        r.Y1 = g * (-gH1 - gDy - (ay1 >= by1 ? gIh : 0f) - (ay1 <= by1 ? gCh : 0f));
        r.Y2 = g * (gH1 - gDy + (ay2 <= by2 ? gIh : 0f) + (ay2 >= by2 ? gCh : 0f));
        return r;
    }

    /// <summary>Plain IoU (torchvision box_iou): inter / union, no eps (two empty boxes give NaN, as there).</summary>
    public static float Iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2)
    {
        float areaA = (ax2 - ax1) * (ay2 - ay1), areaB = (bx2 - bx1) * (by2 - by1);
        float iw = MathF.Max(MathF.Min(ax2, bx2) - MathF.Max(ax1, bx1), 0f);
        float ih = MathF.Max(MathF.Min(ay2, by2) - MathF.Max(ay1, by1), 0f);
        float inter = iw * ih;
        return inter / (areaA + areaB - inter);
    }

    /// <summary>True when the anchor centre lies strictly inside the gt: the smallest distance to its edges exceeds eps.</summary>
    public static bool Inside(float gx1, float gy1, float gx2, float gy2, float ax, float ay, float eps)
    {
        float d = MathF.Min(MathF.Min(ax - gx1, ay - gy1), MathF.Min(gx2 - ax, gy2 - ay));
        return d > eps;
    }

    /// <summary>
    /// DFL bins and weights of target distance <paramref name="target"/> over <paramref name="bins"/> bins, with YOLOv8's
    /// clamp to [0, bins - 1.01]: left bin l = floor(d), w_l = l + 1 - d, w_r = 1 - w_l.
    /// </summary>
    public static int DflBins(float target, int bins, out float wl, out float wr)
    {
        float d = MathF.Min(MathF.Max(target, 0f), (float)(bins - 1) - 0.01f);
        int l = (int)d;
        if (l < 0 || l > bins - 2) l = 0;   // NaN target: any in-range bin (its loss is garbage but reads stay in bounds)
        wl = (l + 1) - d;
        wr = 1f - wl;
        return l;
    }

    /// <summary>The assigner's metric score^alpha * overlap^beta.</summary>
    public static float AssignerMetric(float score, float overlap, float alpha, float beta) =>
        MathF.Pow(score, alpha) * MathF.Pow(overlap, beta);
}
