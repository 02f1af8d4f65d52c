namespace VisionCuda.Reference;

/// <summary>
/// The naive loss oracles: cross-entropy, NLL with class weights, label smoothing and an ignore index, and BCE with
/// logits, as plain loops in double. Same contracts as IBackend.NllLoss/NllLossBackward/BceWithLogits(Backward).
/// </summary>
public static class ReferenceLoss
{
    /// <summary>
    /// Cross-entropy with mean reduction over logits [n, classes]: log-softmax, the per-row losses, and the gradient
    /// of the mean loss with respect to the logits, (softmax - onehot) / n.
    /// </summary>
    public static (float[] LogProbs, float[] Loss, float[] DLogits) CrossEntropy(float[] logits, int[] targets, int n, int classes)
    {
        var logp = new float[logits.Length];
        var loss = new float[n];
        var dx = new float[logits.Length];
        for (int r = 0; r < n; r++)
        {
            long o = (long)r * classes;
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++) max = Math.Max(max, logits[o + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.Exp(logits[o + j] - max);
            double lse = max + Math.Log(sum);
            for (int j = 0; j < classes; j++)
            {
                double lp = logits[o + j] - lse;
                logp[o + j] = (float)lp;
                dx[o + j] = (float)((Math.Exp(lp) - (j == targets[r] ? 1 : 0)) / n);
            }
            loss[r] = (float)(lse - logits[o + targets[r]]);
        }
        return (logp, loss, dx);
    }

    /// <summary>
    /// NLL over log-probabilities [outer, classes, inner] per position: (1-eps)*w[t]*-logp[t] + eps/C * sum_c w[c]*-logp[c],
    /// the weight sum w[t], and the gradient for upstream dLoss; positions whose target is the ignore index give 0.
    /// </summary>
    public static (float[] Loss, float[] WeightSum, float[] DLogProbs) Nll(float[] logp, int[] targets, float[]? weight, float[] dLoss,
        int outer, int classes, int inner, float smoothing, int ignoreIndex)
    {
        var loss = new float[outer * inner];
        var ws = new float[outer * inner];
        var d = new float[logp.Length];
        double eps = smoothing;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int j = o * inner + i, t = targets[j];
                if (t == ignoreIndex || t < 0 || t >= classes) continue;
                double wt = weight is null ? 1 : weight[t];
                double l = (1 - eps) * wt * -logp[(o * classes + t) * inner + i];
                for (int c = 0; c < classes; c++)
                {
                    double wc = weight is null ? 1 : weight[c];
                    l += eps / classes * wc * -logp[(o * classes + c) * inner + i];
                    d[(o * classes + c) * inner + i] = (float)(-dLoss[j] * ((c == t ? (1 - eps) * wt : 0) + eps / classes * wc));
                }
                loss[j] = (float)l;
                ws[j] = (float)wt;
            }
        return (loss, ws, d);
    }

    /// <summary>BCE with logits, -(pw*t*log(s) + (1-t)*log(1-s)) computed stably, and its gradient times dLoss.</summary>
    public static (float[] Loss, float[] Dx) BceWithLogits(float[] x, float[] target, float[] dLoss, float posWeight)
    {
        var loss = new float[x.Length];
        var dx = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i], t = target[i], s = 1 / (1 + Math.Exp(-v)), sp = Math.Log(1 + Math.Exp(-Math.Abs(v)));
            loss[i] = (float)(posWeight * t * (sp + Math.Max(-v, 0)) + (1 - t) * (sp + Math.Max(v, 0)));
            dx[i] = (float)(dLoss[i] * (posWeight * t * (s - 1) + (1 - t) * s));
        }
        return (loss, dx);
    }
}
