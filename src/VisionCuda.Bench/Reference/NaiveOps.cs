namespace VisionCuda.Bench.Reference;

/// <summary>
/// Naive scalar references for the memory-bound benchmark ops: the definitions as plain loops, double
/// accumulation, no SIMD, no threads, nothing shared with the backends. The benchmark checks each backend's kernel
/// against these before timing it (GEMM and conv use src/VisionCuda.Reference and <see cref="SampledConv"/>).
/// </summary>
public static class NaiveOps
{
    public static float[] Add(float[] a, float[] b)
    {
        var y = new float[a.Length];
        for (int i = 0; i < a.Length; i++) y[i] = a[i] + b[i];
        return y;
    }

    public static float[] Silu(float[] x)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (float)(x[i] / (1.0 + Math.Exp(-(double)x[i])));
        return y;
    }

    /// <summary>Training batch-norm over [n, c, hw]: y, the batch mean and 1/sqrt(var+eps) (biased var), and the
    /// running statistics updated with the unbiased variance.</summary>
    public static (float[] Y, float[] Mean, float[] InvStd, float[] RunningMean, float[] RunningVar) BatchNormTrain(
        float[] x, float[] gamma, float[] beta, float[] runningMean, float[] runningVar, int n, int c, int hw, float momentum, float eps)
    {
        var y = new float[x.Length];
        var mean = new float[c];
        var invStd = new float[c];
        var rm = (float[])runningMean.Clone();
        var rv = (float[])runningVar.Clone();
        long m = (long)n * hw;
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) sum += x[((long)b * c + ch) * hw + i];
            double mu = sum / m;
            double sq = 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++)
                {
                    double d = x[((long)b * c + ch) * hw + i] - mu;
                    sq += d * d;
                }
            double var = sq / m;
            double inv = 1.0 / Math.Sqrt(var + eps);
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++)
                {
                    long at = ((long)b * c + ch) * hw + i;
                    y[at] = (float)((x[at] - mu) * inv * gamma[ch] + beta[ch]);
                }
            mean[ch] = (float)mu;
            invStd[ch] = (float)inv;
            double unbiased = m > 1 ? sq / (m - 1) : var;
            rm[ch] = (float)((1 - momentum) * runningMean[ch] + momentum * mu);
            rv[ch] = (float)((1 - momentum) * runningVar[ch] + momentum * unbiased);
        }
        return (y, mean, invStd, rm, rv);
    }

    /// <summary>Backward of training batch-norm: dx, dgamma, dbeta from x, dy and the saved statistics.</summary>
    public static (float[] Dx, float[] DGamma, float[] DBeta) BatchNormBackward(
        float[] x, float[] dy, float[] gamma, float[] mean, float[] invStd, int n, int c, int hw)
    {
        var dx = new float[x.Length];
        var dgamma = new float[c];
        var dbeta = new float[c];
        long m = (long)n * hw;
        for (int ch = 0; ch < c; ch++)
        {
            double sdy = 0, sdyx = 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++)
                {
                    long at = ((long)b * c + ch) * hw + i;
                    double xhat = (x[at] - (double)mean[ch]) * invStd[ch];
                    sdy += dy[at];
                    sdyx += dy[at] * xhat;
                }
            dbeta[ch] = (float)sdy;
            dgamma[ch] = (float)sdyx;
            double k = (double)gamma[ch] * invStd[ch] / m;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++)
                {
                    long at = ((long)b * c + ch) * hw + i;
                    double xhat = (x[at] - (double)mean[ch]) * invStd[ch];
                    dx[at] = (float)(k * (m * dy[at] - sdy - xhat * sdyx));
                }
        }
        return (dx, dgamma, dbeta);
    }

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

    /// <summary>PyTorch SGD (not first step): g = grad + wd*p; buf = momentum*buf + g; p -= lr*(nesterov ? g + momentum*buf : buf).</summary>
    public static (float[] Param, float[] Buffer) Sgd(float[] param, float[] grad, float[] buffer, float lr, float momentum, float wd, bool nesterov)
    {
        var p = new float[param.Length];
        var buf = new float[param.Length];
        for (int i = 0; i < param.Length; i++)
        {
            double g = grad[i] + (double)wd * param[i];
            double b = momentum * (double)buffer[i] + g;
            double step = nesterov ? g + momentum * b : b;
            buf[i] = (float)b;
            p[i] = (float)(param[i] - lr * step);
        }
        return (p, buf);
    }

    /// <summary>PyTorch AdamW: p *= 1 - lr*wd; m, v moments; p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).</summary>
    public static (float[] Param, float[] M, float[] V) AdamW(float[] param, float[] grad, float[] m, float[] v,
        float lr, float beta1, float beta2, float eps, float wd, int step)
    {
        var p = new float[param.Length];
        var mo = new float[param.Length];
        var vo = new float[param.Length];
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        for (int i = 0; i < param.Length; i++)
        {
            double g = grad[i];
            double pp = param[i] * (1 - (double)lr * wd);
            double mm = beta1 * (double)m[i] + (1 - (double)beta1) * g;
            double vv = beta2 * (double)v[i] + (1 - (double)beta2) * g * g;
            mo[i] = (float)mm;
            vo[i] = (float)vv;
            p[i] = (float)(pp - lr / bc1 * mm / (Math.Sqrt(vv) / Math.Sqrt(bc2) + eps));
        }
        return (p, mo, vo);
    }
}
