using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>Fused optimizer steps, one thread per parameter (formulas as in IBackend's docs, i.e. PyTorch's).</summary>
internal static class OptimKernels
{
    public static void Sgd(Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> buf, SgdArgs a)
    {
        float p = param[i];
        float g = grad[i] + a.WeightDecay * p;
        float step = g;
        if (a.Momentum != 0f)
        {
            float bv = a.FirstStep != 0 ? g : a.Momentum * buf[i] + g;
            buf[i] = bv;
            step = a.Nesterov != 0 ? g + a.Momentum * bv : bv;
        }
        param[i] = p - a.Lr * step;
    }

    /// <summary>Bias corrections come precomputed: StepSize = lr/(1-b1^t), Bc2Sqrt = sqrt(1-b2^t).</summary>
    public static void Adam(Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamArgs a)
    {
        float p = param[i];
        float g = grad[i];
        if (a.Decoupled != 0) p *= 1f - a.Lr * a.WeightDecay;
        else g += a.WeightDecay * p;
        float mi = a.Beta1 * m[i] + (1f - a.Beta1) * g;
        float vi = a.Beta2 * v[i] + (1f - a.Beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float denom = MathF.Sqrt(vi) / a.Bc2Sqrt + a.Eps;
        param[i] = p - a.StepSize * (mi / denom);
    }

    public static void Ema(Index1D i, ArrayView<float> ema, ArrayView<float> param, float decay) =>
        ema[i] = decay * ema[i] + (1f - decay) * param[i];
}

internal struct SgdArgs
{
    public float Lr, Momentum, WeightDecay;
    public int Nesterov, FirstStep;
}

internal struct AdamArgs
{
    public float Lr, Beta1, Beta2, Eps, WeightDecay, StepSize, Bc2Sqrt;
    public int Decoupled;
}
