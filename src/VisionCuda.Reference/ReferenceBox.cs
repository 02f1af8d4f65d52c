namespace VisionCuda.Reference;

/// <summary>
/// The naive detection-box oracles in double: CIoU (YOLOv8's bbox_iou, eps on both heights, the union and the squared
/// enclosing diagonal) with its gradient by central differences (alpha held at its value at the point, as the
/// reference's backward does), torchvision's box_iou, and DFL decode and loss. Boxes are xyxy in the [outer, 4, inner]
/// layout of IBackend.Ciou; the formulas are written from their papers, not from BoxMath, so a slip there shows here.
/// </summary>
public static class ReferenceBox
{
    /// <summary>CIoU of box a and box b; <paramref name="alpha"/> fixes alpha (NaN: computed from a and b).</summary>
    public static double Ciou(double[] a, double[] b, double eps, double alpha = double.NaN)
    {
        double w1 = a[2] - a[0], h1 = a[3] - a[1] + eps, w2 = b[2] - b[0], h2 = b[3] - b[1] + eps;
        double iw = Math.Max(Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]), 0);
        double ih = Math.Max(Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]), 0);
        double inter = iw * ih;
        double iou = inter / (w1 * h1 + w2 * h2 - inter + eps);
        double cw = Math.Max(a[2], b[2]) - Math.Min(a[0], b[0]), ch = Math.Max(a[3], b[3]) - Math.Min(a[1], b[1]);
        double c2 = cw * cw + ch * ch + eps;
        double dx = b[0] + b[2] - a[0] - a[2], dy = b[1] + b[3] - a[1] - a[3];
        double rho2 = (dx * dx + dy * dy) / 4;
        double da = Math.Atan(w2 / h2) - Math.Atan(w1 / h1);
        double v = 4 / (Math.PI * Math.PI) * da * da;
        if (double.IsNaN(alpha)) alpha = v / (v - iou + (1 + eps));
        return iou - (rho2 / c2 + v * alpha);
    }

    private static double[] Box(float[] layout, long o, long i, long inner) =>
        [layout[o * 4 * inner + i], layout[o * 4 * inner + inner + i], layout[o * 4 * inner + 2 * inner + i], layout[o * 4 * inner + 3 * inner + i]];

    /// <summary>ciou [outer, inner] of pred and target [outer, 4, inner].</summary>
    public static float[] Ciou(float[] pred, float[] target, long outer, long inner, float eps)
    {
        var y = new float[outer * inner];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
                y[o * inner + i] = (float)Ciou(Box(pred, o, i, inner), Box(target, o, i, inner), eps);
        return y;
    }

    /// <summary>dPred [outer, 4, inner] = dCiou * dCIoU/dpred by central differences in double, alpha held constant.
    /// Valid away from the min/max kinks (coordinates of the two boxes that coincide), where the derivative is one-sided.</summary>
    public static float[] CiouBackward(float[] pred, float[] target, float[] dCiou, long outer, long inner, float eps)
    {
        const double h = 1e-6;
        var d = new float[pred.Length];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                double[] a = Box(pred, o, i, inner), b = Box(target, o, i, inner);
                double w1 = a[2] - a[0], h1 = a[3] - a[1] + eps, w2 = b[2] - b[0], h2 = b[3] - b[1] + eps;
                double iw = Math.Max(Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]), 0), ih = Math.Max(Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]), 0);
                double iou = iw * ih / (w1 * h1 + w2 * h2 - iw * ih + eps);
                double da = Math.Atan(w2 / h2) - Math.Atan(w1 / h1), v = 4 / (Math.PI * Math.PI) * da * da;
                double alpha = v / (v - iou + (1 + eps));
                for (int c = 0; c < 4; c++)
                {
                    double keep = a[c];
                    a[c] = keep + h;
                    double up = Ciou(a, b, eps, alpha);
                    a[c] = keep - h;
                    double down = Ciou(a, b, eps, alpha);
                    a[c] = keep;
                    d[o * 4 * inner + c * inner + i] = (float)(dCiou[o * inner + i] * (up - down) / (2 * h));
                }
            }
        return d;
    }

    /// <summary>torchvision box_iou of a [n, 4] and b [m, 4] into [n, m]: inter / union, no eps (0/0 is NaN).</summary>
    public static float[] IouMatrix(float[] a, float[] b, int n, int m)
    {
        var y = new float[n * m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double areaA = ((double)a[4 * i + 2] - a[4 * i]) * ((double)a[4 * i + 3] - a[4 * i + 1]);
                double areaB = ((double)b[4 * j + 2] - b[4 * j]) * ((double)b[4 * j + 3] - b[4 * j + 1]);
                double iw = Math.Max(Math.Min(a[4 * i + 2], b[4 * j + 2]) - (double)Math.Max(a[4 * i], b[4 * j]), 0);
                double ih = Math.Max(Math.Min(a[4 * i + 3], b[4 * j + 3]) - (double)Math.Max(a[4 * i + 1], b[4 * j + 1]), 0);
                y[i * m + j] = (float)(iw * ih / (areaA + areaB - iw * ih));
            }
        return y;
    }

    /// <summary>p_k over the bins of logits [outer, bins, inner] at (o, i), in double.</summary>
    private static double[] Softmax(float[] x, long o, int bins, long i, long inner)
    {
        var p = new double[bins];
        double max = double.NegativeInfinity, sum = 0;
        for (int k = 0; k < bins; k++) max = Math.Max(max, x[(o * bins + k) * inner + i]);
        for (int k = 0; k < bins; k++) sum += p[k] = Math.Exp(x[(o * bins + k) * inner + i] - max);
        for (int k = 0; k < bins; k++) p[k] /= sum;
        return p;
    }

    /// <summary>DFL decode dist = sum_k k p_k and its backward dLogits = dDist p_k (k - dist).</summary>
    public static (float[] Dist, float[] DLogits) DflDecode(float[] x, float[] dDist, long outer, int bins, long inner)
    {
        var dist = new float[outer * inner];
        var dx = new float[x.Length];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                var p = Softmax(x, o, bins, i, inner);
                double e = 0;
                for (int k = 0; k < bins; k++) e += k * p[k];
                dist[o * inner + i] = (float)e;
                for (int k = 0; k < bins; k++) dx[(o * bins + k) * inner + i] = (float)(dDist[o * inner + i] * p[k] * (k - e));
            }
        return (dist, dx);
    }

    /// <summary>DFL loss, d = clamp(target, 0, bins - 1.01), l = floor d, w_l = l + 1 - d, w_r = 1 - w_l:
    /// weight * (-w_l log p_l - w_r log p_{l+1}) (0 where weight is 0), and its backward for dLoss.</summary>
    public static (float[] Loss, float[] DLogits) DflLoss(float[] x, float[] target, float[] weight, float[] dLoss, long outer, int bins, long inner)
    {
        var loss = new float[outer * inner];
        var dx = new float[x.Length];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                long j = o * inner + i;
                if (weight[j] == 0) continue;
                var p = Softmax(x, o, bins, i, inner);
                double d = Math.Min(Math.Max(target[j], 0.0), bins - 1 - 0.01);
                int l = (int)Math.Floor(d);
                double wl = l + 1 - d, wr = 1 - wl;
                loss[j] = (float)(weight[j] * (-wl * Math.Log(p[l]) - wr * Math.Log(p[l + 1])));
                for (int k = 0; k < bins; k++)
                    dx[(o * bins + k) * inner + i] = (float)(dLoss[j] * weight[j] * (p[k] - (k == l ? wl : 0) - (k == l + 1 ? wr : 0)));
            }
        return (loss, dx);
    }
}
