using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Batch-norm over [N, C, HW]. Statistics: one thread per channel, two passes (mean, then squared deviations) with
/// Kahan sums in plane order, so they are accurate and repeatable. Normalisation: one thread per element,
/// y = x*scale + shift with scale = invStd*gamma and shift = beta - mean*scale, as the Cpu backend does.
/// </summary>
internal static class BatchNormKernels
{
    public static void Stats(Index1D ch, ArrayView<float> x, ArrayView<float> saveMean, ArrayView<float> saveInvStd,
                             ArrayView<float> runningMean, ArrayView<float> runningVar, BnArgs a)
    {
        long count = (long)a.N * a.HW;
        float sum = 0f, comp = 0f;
        for (long n = 0; n < a.N; n++)
        {
            long b = (n * a.C + ch) * a.HW;
            for (long q = 0; q < a.HW; q++) ReduceKernels.KahanAdd(ref sum, ref comp, x[b + q]);
        }
        float mean = sum / count;
        float sq = 0f;
        comp = 0f;
        for (long n = 0; n < a.N; n++)
        {
            long b = (n * a.C + ch) * a.HW;
            for (long q = 0; q < a.HW; q++)
            {
                float d = x[b + q] - mean;
                ReduceKernels.KahanAdd(ref sq, ref comp, d * d);
            }
        }
        float var = sq / count;
        float unbiased = count > 1 ? sq / (count - 1) : var;
        saveMean[ch] = mean;
        saveInvStd[ch] = 1f / MathF.Sqrt(var + a.Eps);
        runningMean[ch] = (1f - a.Momentum) * runningMean[ch] + a.Momentum * mean;
        runningVar[ch] = (1f - a.Momentum) * runningVar[ch] + a.Momentum * unbiased;
    }

    /// <summary>Training normalisation from the saved batch statistics.</summary>
    public static void ApplyTrain(Index1D t, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mean, ArrayView<float> invStd,
                                  ArrayView<float> gamma, ArrayView<float> beta, BnArgs a)
    {
        int ch = (int)((t / a.HW) % a.C);
        float scale = invStd[ch] * gamma[ch];
        float shift = beta[ch] - mean[ch] * scale;
        y[t] = x[t] * scale + shift;
    }

    /// <summary>Eval normalisation from the running statistics.</summary>
    public static void ApplyEval(Index1D t, ArrayView<float> x, ArrayView<float> y, ArrayView<float> runningMean, ArrayView<float> runningVar,
                                 ArrayView<float> gamma, ArrayView<float> beta, BnArgs a)
    {
        int ch = (int)((t / a.HW) % a.C);
        float scale = 1f / MathF.Sqrt(runningVar[ch] + a.Eps) * gamma[ch];
        float shift = beta[ch] - runningMean[ch] * scale;
        y[t] = x[t] * scale + shift;
    }

    /// <summary>Thread = channel: dbeta = sum(dy), dgamma = sum(dy*(x-mean))*invStd.</summary>
    public static void BackwardReduce(Index1D ch, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> mean, ArrayView<float> invStd,
                                      ArrayView<float> dgamma, ArrayView<float> dbeta, BnArgs a)
    {
        float m = mean[ch];
        float s1 = 0f, c1 = 0f, s2 = 0f, c2 = 0f;
        for (long n = 0; n < a.N; n++)
        {
            long b = (n * a.C + ch) * a.HW;
            for (long q = 0; q < a.HW; q++)
            {
                float g = dy[b + q];
                ReduceKernels.KahanAdd(ref s1, ref c1, g);
                ReduceKernels.KahanAdd(ref s2, ref c2, g * (x[b + q] - m));
            }
        }
        dbeta[ch] = s1;
        dgamma[ch] = s2 * invStd[ch];
    }

    /// <summary>dx = (dy - mean(dy) - (x - mean)*k) * invStd * gamma, k = sum(dy*(x-mean)) * invStd^2 / M.</summary>
    public static void BackwardDx(Index1D t, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> gamma, ArrayView<float> mean,
                                  ArrayView<float> invStd, ArrayView<float> dgamma, ArrayView<float> dbeta, ArrayView<float> dx, BnArgs a)
    {
        int ch = (int)((t / a.HW) % a.C);
        float count = (float)((long)a.N * a.HW);
        float inv = invStd[ch];
        float meanDy = dbeta[ch] / count;
        float k = dgamma[ch] * inv / count; // dgamma = dot * invStd
        dx[t] = (dy[t] - meanDy - (x[t] - mean[ch]) * k) * (inv * gamma[ch]);
    }
}

internal struct BnArgs
{
    public int N, C;
    public long HW;
    public float Momentum, Eps;
}
