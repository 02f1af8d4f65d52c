using ILGPU;
using VisionCuda.Backends;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>Layout of the box kernels' [outer, X, inner] operands (X = 4 coordinates or the DFL bins).</summary>
internal struct BoxDims
{
    public long Outer;
    public int Bins;
    public long Inner;
}

/// <summary>Sizes and constants of the assigner metrics kernel.</summary>
internal struct AssignerArgs
{
    public int Batch, MaxGts, Anchors, Classes;
    public float Alpha, Beta, Eps;
}

/// <summary>
/// Box kernels: one implicitly grouped thread per output position, each evaluating the scalar float32 formulas of
/// <see cref="BoxMath"/> (the Cpu backend calls the same methods, so on ilgpu:cpu the results are bitwise the Cpu
/// backend's except for the DFL sums, which the Cpu backend forms vectorised). DFL threads loop over the bins at
/// stride inner: max, then sum of exp(x - max), then the gathers.
/// </summary>
internal static class BoxKernels
{
    public static void Ciou(Index1D t, ArrayView<float> pred, ArrayView<float> target, ArrayView<float> ciou, BoxDims d, float eps)
    {
        long o = t / d.Inner, i = t - o * d.Inner, at = o * 4 * d.Inner + i, n = d.Inner;
        ciou[t] = BoxMath.Ciou(pred[at], pred[at + n], pred[at + 2 * n], pred[at + 3 * n],
                               target[at], target[at + n], target[at + 2 * n], target[at + 3 * n], eps);
    }

    public static void CiouBackward(Index1D t, ArrayView<float> pred, ArrayView<float> target, ArrayView<float> dCiou, ArrayView<float> dPred,
                                    BoxDims d, float eps)
    {
        long o = t / d.Inner, i = t - o * d.Inner, at = o * 4 * d.Inner + i, n = d.Inner;
        var g = BoxMath.CiouGrad(pred[at], pred[at + n], pred[at + 2 * n], pred[at + 3 * n],
                                 target[at], target[at + n], target[at + 2 * n], target[at + 3 * n], eps, dCiou[t]);
        dPred[at] = g.X1;
        dPred[at + n] = g.Y1;
        dPred[at + 2 * n] = g.X2;
        dPred[at + 3 * n] = g.Y2;
    }

    public static void IouMatrix(Index1D t, ArrayView<float> a, ArrayView<float> b, ArrayView<float> iou, int m)
    {
        long r = t / m, c = t - r * m;
        iou[t] = BoxMath.Iou(a[4 * r], a[4 * r + 1], a[4 * r + 2], a[4 * r + 3], b[4 * c], b[4 * c + 1], b[4 * c + 2], b[4 * c + 3]);
    }

    private static float MaxOverBins(ArrayView<float> x, long b, BoxDims d)
    {
        float m = x[b];
        for (int k = 1; k < d.Bins; k++) m = KMath.Max(m, x[b + k * d.Inner]);
        return m;
    }

    public static void DflDecode(Index1D t, ArrayView<float> logits, ArrayView<float> dist, BoxDims d)
    {
        long o = t / d.Inner, b = o * d.Bins * d.Inner + (t - o * d.Inner);
        float m = MaxOverBins(logits, b, d);
        float s = 0f, ks = 0f;
        for (int k = 0; k < d.Bins; k++)
        {
            float e = MathF.Exp(logits[b + k * d.Inner] - m);
            s += e;
            ks += k * e;
        }
        dist[t] = ks / s;
    }

    public static void DflDecodeBackward(Index1D t, ArrayView<float> logits, ArrayView<float> dDist, ArrayView<float> dLogits, BoxDims d)
    {
        long o = t / d.Inner, b = o * d.Bins * d.Inner + (t - o * d.Inner);
        float m = MaxOverBins(logits, b, d);
        float s = 0f, ks = 0f;
        for (int k = 0; k < d.Bins; k++)
        {
            float e = MathF.Exp(logits[b + k * d.Inner] - m);
            s += e;
            ks += k * e;
        }
        float dist = ks / s, coef = dDist[t] / s;
        for (int k = 0; k < d.Bins; k++)
            dLogits[b + k * d.Inner] = MathF.Exp(logits[b + k * d.Inner] - m) * coef * (k - dist);
    }

    public static void DflLoss(Index1D t, ArrayView<float> logits, ArrayView<float> target, ArrayView<float> weight, ArrayView<float> loss, BoxDims d)
    {
        float w = weight[t];
        if (w == 0f)
        {
            loss[t] = 0f;
            return;
        }
        long o = t / d.Inner, b = o * d.Bins * d.Inner + (t - o * d.Inner);
        float m = MaxOverBins(logits, b, d);
        float s = 0f;
        for (int k = 0; k < d.Bins; k++) s += MathF.Exp(logits[b + k * d.Inner] - m);
        int l = BoxMath.DflBins(target[t], d.Bins, out float wl, out float wr);
        float ls = MathF.Log(s);
        float ceL = -(logits[b + l * d.Inner] - m - ls), ceR = -(logits[b + (l + 1) * d.Inner] - m - ls);
        loss[t] = w * (ceL * wl + ceR * wr);
    }

    public static void DflLossBackward(Index1D t, ArrayView<float> logits, ArrayView<float> target, ArrayView<float> weight, ArrayView<float> dLoss,
                                       ArrayView<float> dLogits, BoxDims d)
    {
        long o = t / d.Inner, b = o * d.Bins * d.Inner + (t - o * d.Inner);
        float w = weight[t];
        if (w == 0f)
        {
            for (int k = 0; k < d.Bins; k++) dLogits[b + k * d.Inner] = 0f;
            return;
        }
        float m = MaxOverBins(logits, b, d);
        float s = 0f;
        for (int k = 0; k < d.Bins; k++) s += MathF.Exp(logits[b + k * d.Inner] - m);
        int l = BoxMath.DflBins(target[t], d.Bins, out float wl, out float wr);
        float c = dLoss[t] * w, cs = c / s;
        for (int k = 0; k < d.Bins; k++)
        {
            float g = MathF.Exp(logits[b + k * d.Inner] - m) * cs;
            if (k == l) g -= c * wl;
            if (k == l + 1) g -= c * wr;
            dLogits[b + k * d.Inner] = g;
        }
    }

    /// <summary>Thread = (image, gt, anchor); see IDetectionOps.AssignerMetrics.</summary>
    public static void AssignerMetrics(Index1D t, ArrayView<float> scores, ArrayView<float> predBoxes, ArrayView<float> anchors, ArrayView<float> gtBoxes,
                                       ArrayView<int> gtClasses, ArrayView<int> gtCounts, ArrayView<int> inside, ArrayView<float> overlap,
                                       ArrayView<float> metric, AssignerArgs p)
    {
        long a = p.Anchors;
        long row = t / a, k = t - row * a;
        int img = (int)(row / p.MaxGts), g = (int)(row - (long)img * p.MaxGts);
        int cls = gtClasses[row];
        int inFlag = 0;
        float ov = 0f, m = 0f;
        if (g < gtCounts[img] && cls >= 0 && cls < p.Classes)
        {
            float gx1 = gtBoxes[4 * row], gy1 = gtBoxes[4 * row + 1], gx2 = gtBoxes[4 * row + 2], gy2 = gtBoxes[4 * row + 3];
            if (BoxMath.Inside(gx1, gy1, gx2, gy2, anchors[k], anchors[a + k], p.Eps))
            {
                long pb = (long)img * 4 * a + k;
                ov = MathF.Max(BoxMath.Ciou(gx1, gy1, gx2, gy2, predBoxes[pb], predBoxes[pb + a], predBoxes[pb + 2 * a], predBoxes[pb + 3 * a], BoxMath.CiouEps), 0f);
                m = BoxMath.AssignerMetric(scores[((long)img * p.Classes + cls) * a + k], ov, p.Alpha, p.Beta);
                inFlag = 1;
            }
        }
        inside[t] = inFlag;
        overlap[t] = ov;
        metric[t] = m;
    }
}
