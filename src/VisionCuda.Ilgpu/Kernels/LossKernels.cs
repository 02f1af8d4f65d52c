using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>NLL (label smoothing, class weights, ignore index), BCE with logits and one-hot, in the Cpu backend's order of
/// operations; long sums Kahan-compensated as in ReduceKernels.</summary>
internal static class LossKernels
{
    /// <summary>Thread = position (o, in). See IBackend.NllLoss for the formula.</summary>
    public static void Nll(Index1D t, ArrayView<float> logp, ArrayView<int> targets, ArrayView<float> weight, ArrayView<float> loss,
                           ArrayView<float> weightSum, ReduceDims d, NllArgs a)
    {
        long o = t / d.Inner, inn = t - o * d.Inner;
        long b = o * d.Dim * d.Inner + inn;
        int tgt = targets[t];
        if (tgt == a.IgnoreIndex || tgt < 0 || tgt >= d.Dim)
        {
            loss[t] = 0f;
            weightSum[t] = 0f;
            return;
        }
        float wt = a.HasWeight != 0 ? weight[tgt] : 1f;
        float l = (1f - a.Smoothing) * wt * -logp[b + tgt * d.Inner];
        if (a.Smoothing != 0f)
        {
            float s = 0f, comp = 0f;
            for (int c = 0; c < d.Dim; c++)
            {
                float wc = a.HasWeight != 0 ? weight[c] : 1f;
                ReduceKernels.KahanAdd(ref s, ref comp, wc * -logp[b + c * d.Inner]);
            }
            l += a.Smoothing / d.Dim * s;
        }
        loss[t] = l;
        weightSum[t] = wt;
    }

    /// <summary>Thread = element (o, c, in) of dLogProbs.</summary>
    public static void NllBackward(Index1D t, ArrayView<int> targets, ArrayView<float> weight, ArrayView<float> dLoss, ArrayView<float> dLogp,
                                   ReduceDims d, NllArgs a)
    {
        long plane = (long)d.Dim * d.Inner;
        long o = t / plane, rem = t - o * plane;
        int c = (int)(rem / d.Inner);
        long inn = rem - (long)c * d.Inner;
        long j = o * d.Inner + inn;
        int tgt = targets[j];
        if (tgt == a.IgnoreIndex || tgt < 0 || tgt >= d.Dim)
        {
            dLogp[t] = 0f;
            return;
        }
        float wt = a.HasWeight != 0 ? weight[tgt] : 1f;
        float wc = a.HasWeight != 0 ? weight[c] : 1f;
        float coef = (c == tgt ? (1f - a.Smoothing) * wt : 0f) + a.Smoothing / d.Dim * wc;
        dLogp[t] = -dLoss[j] * coef;
    }

    /// <summary>
    /// Stable BCE with logits. posWeight 1: max(x,0) - x*t + log(1+exp(-|x|)); otherwise PyTorch's form
    /// (1-t)*x + (1+(pw-1)*t) * (log(1+exp(-|x|)) + max(-x,0)), which weights the positive term by pw.
    /// </summary>
    public static void Bce(Index1D i, ArrayView<float> x, ArrayView<float> target, ArrayView<float> loss, float posWeight)
    {
        float v = x[i], tg = target[i];
        float sp = MathF.Log(1f + MathF.Exp(-MathF.Abs(v)));
        if (posWeight == 1f) loss[i] = (v > 0f ? v : 0f) - v * tg + sp;
        else loss[i] = (1f - tg) * v + (1f + (posWeight - 1f) * tg) * (sp + (v < 0f ? -v : 0f));
    }

    public static void BceBackward(Index1D i, ArrayView<float> x, ArrayView<float> target, ArrayView<float> dLoss, ArrayView<float> dx, float posWeight)
    {
        float s = KMath.Sigmoid(x[i]), tg = target[i];
        dx[i] = dLoss[i] * (posWeight * tg * (s - 1f) + (1f - tg) * s);
    }

    public static void OneHot(Index1D t, ArrayView<int> indices, ArrayView<float> y, int classes)
    {
        long r = t / classes;
        int c = (int)(t - r * classes);
        y[t] = indices[r] == c ? 1f : 0f;
    }
}

internal struct NllArgs
{
    public float Smoothing;
    public int IgnoreIndex;
    public int HasWeight;
}
