using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Reductions over the middle dim of [outer, dim, inner], softmax and the losses. One thread per output element
/// loops over the reduced dim in index order, so the result is the same whatever the launch geometry (conventions.md,
/// Determinism). Long sums are Kahan-compensated in float32 (no float64: OpenCL GPUs often lack it), which keeps
/// them within the Cpu backend's float/double result by a few ulps.
/// </summary>
internal static class ReduceKernels
{
    public static void KahanAdd(ref float sum, ref float comp, float v)
    {
        float y = v - comp;
        float t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }

    /// <summary>Thread = (o, in). op 0 sum, 1 mean, 2 max (first max wins; the first NaN wins over numbers).</summary>
    public static void Reduce(Index1D t, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, ReduceDims d, int op, int writeArgmax)
    {
        long o = t / d.Inner, inn = t - o * d.Inner;
        long baseIdx = o * d.Dim * d.Inner + inn;
        if (op == 2)
        {
            float best = x[baseIdx];
            int bi = 0;
            for (int k = 1; k < d.Dim; k++)
            {
                float v = x[baseIdx + k * d.Inner];
                if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                {
                    best = v;
                    bi = k;
                }
            }
            y[t] = best;
            if (writeArgmax != 0) argmax[t] = bi;
            return;
        }
        float sum = 0f, comp = 0f;
        for (int k = 0; k < d.Dim; k++) KahanAdd(ref sum, ref comp, x[baseIdx + k * d.Inner]);
        y[t] = op == 1 ? sum / d.Dim : sum;
    }

    /// <summary>Thread = dx element (o, k, in): sum/mean broadcast dy; max routes dy to the argmax position.</summary>
    public static void ReduceBackward(Index1D t, ArrayView<float> dy, ArrayView<float> dx, ArrayView<int> argmax, ReduceDims d, int op)
    {
        long plane = (long)d.Dim * d.Inner;
        long o = t / plane, rem = t - o * plane;
        long k = rem / d.Inner, inn = rem - k * d.Inner;
        long j = o * d.Inner + inn;
        float g = dy[j];
        if (op == 2) dx[t] = argmax[j] == k ? g : 0f;
        else if (op == 1) dx[t] = g / d.Dim;
        else dx[t] = g;
    }

    /// <summary>Thread = (o, in): max, Kahan sum of exp(x - max), then y = exp(x - max)/sum or x - max - log(sum).</summary>
    public static void Softmax(Index1D t, ArrayView<float> x, ArrayView<float> y, ReduceDims d, int log)
    {
        long o = t / d.Inner, inn = t - o * d.Inner;
        long b = o * d.Dim * d.Inner + inn;
        float m = x[b];
        for (int k = 1; k < d.Dim; k++) m = KMath.Max(m, x[b + k * d.Inner]);
        float sum = 0f, comp = 0f;
        for (int k = 0; k < d.Dim; k++) KahanAdd(ref sum, ref comp, MathF.Exp(x[b + k * d.Inner] - m));
        if (log != 0)
        {
            float ls = MathF.Log(sum);
            for (int k = 0; k < d.Dim; k++) y[b + k * d.Inner] = x[b + k * d.Inner] - m - ls;
        }
        else
        {
            for (int k = 0; k < d.Dim; k++) y[b + k * d.Inner] = MathF.Exp(x[b + k * d.Inner] - m) / sum;
        }
    }

    /// <summary>softmax: dx = y * (dy - sum(dy*y)); log-softmax: dx = dy - exp(y) * sum(dy).</summary>
    public static void SoftmaxBackward(Index1D t, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ReduceDims d, int log)
    {
        long o = t / d.Inner, inn = t - o * d.Inner;
        long b = o * d.Dim * d.Inner + inn;
        float sum = 0f, comp = 0f;
        for (int k = 0; k < d.Dim; k++)
        {
            long q = b + k * d.Inner;
            KahanAdd(ref sum, ref comp, log != 0 ? dy[q] : dy[q] * y[q]);
        }
        for (int k = 0; k < d.Dim; k++)
        {
            long q = b + k * d.Inner;
            dx[q] = log != 0 ? dy[q] - MathF.Exp(y[q]) * sum : y[q] * (dy[q] - sum);
        }
    }

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
                KahanAdd(ref s, ref comp, wc * -logp[b + c * d.Inner]);
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

internal struct ReduceDims
{
    public long Outer;
    public int Dim;
    public long Inner;
}

internal struct NllArgs
{
    public float Smoothing;
    public int IgnoreIndex;
    public int HasWeight;
}
