namespace VisionCuda.Reference;

/// <summary>
/// The naive batch-norm oracle over [n, c, hw]: per channel, double accumulation, two passes (mean, then the squared
/// deviations), no Welford, no SIMD, no threads. Same contract as IBackend.BatchNormTrain/Eval/Backward.
/// </summary>
public static class ReferenceNorm
{
    /// <summary>Training forward: y, the batch mean and 1/sqrt(var+eps) (biased var), and the running statistics
    /// updated with the unbiased variance (PyTorch's rule).</summary>
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

    /// <summary>Inference forward: (x - running mean) / sqrt(running var + eps) * gamma + beta.</summary>
    public static float[] BatchNormEval(float[] x, float[] gamma, float[] beta, float[] runningMean, float[] runningVar, int n, int c, int hw, float eps)
    {
        var y = new float[x.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < hw; i++)
                {
                    long at = ((long)b * c + ch) * hw + i;
                    y[at] = (float)((x[at] - (double)runningMean[ch]) / Math.Sqrt(runningVar[ch] + (double)eps) * gamma[ch] + beta[ch]);
                }
        return y;
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
}
