namespace VisionCuda.Reference;

/// <summary>
/// The naive optimizer-step oracles, PyTorch's update rules written out per element in double: SGD (momentum,
/// Nesterov, first step), Adam and AdamW (coupled or decoupled weight decay), and the EMA of weights.
/// Same contracts as IBackend.SgdStep/AdamStep/EmaUpdate.
/// </summary>
public static class ReferenceOptim
{
    /// <summary>g = grad + wd*p; buf = first ? g : momentum*buf + g (no buffer when momentum is 0);
    /// p -= lr*(nesterov ? g + momentum*buf : buf).</summary>
    public static (float[] Param, float[] Buffer) Sgd(float[] param, float[] grad, float[] buffer, float lr, float momentum, float wd,
        bool nesterov, bool firstStep = false)
    {
        var p = new float[param.Length];
        var buf = (float[])buffer.Clone();
        for (int i = 0; i < param.Length; i++)
        {
            double g = grad[i] + (double)wd * param[i];
            double step = g;
            if (momentum != 0)
            {
                double b = firstStep ? g : momentum * (double)buffer[i] + g;
                buf[i] = (float)b;
                step = nesterov ? g + momentum * b : b;
            }
            p[i] = (float)(param[i] - lr * step);
        }
        return (p, buf);
    }

    /// <summary>Adam (decoupled: AdamW, p *= 1 - lr*wd; else g += wd*p); m, v moments;
    /// p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps) with bc = 1 - beta^step.</summary>
    public static (float[] Param, float[] M, float[] V) Adam(float[] param, float[] grad, float[] m, float[] v,
        float lr, float beta1, float beta2, float eps, float wd, bool decoupled, int step)
    {
        var p = new float[param.Length];
        var mo = new float[param.Length];
        var vo = new float[param.Length];
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        for (int i = 0; i < param.Length; i++)
        {
            double g = grad[i], pp = param[i];
            if (decoupled) pp *= 1 - (double)lr * wd;
            else g += (double)wd * pp;
            double mm = beta1 * (double)m[i] + (1 - (double)beta1) * g;
            double vv = beta2 * (double)v[i] + (1 - (double)beta2) * g * g;
            mo[i] = (float)mm;
            vo[i] = (float)vv;
            p[i] = (float)(pp - lr / bc1 * mm / (Math.Sqrt(vv) / Math.Sqrt(bc2) + eps));
        }
        return (p, mo, vo);
    }

    /// <summary>PyTorch AdamW: <see cref="Adam"/> with decoupled weight decay.</summary>
    public static (float[] Param, float[] M, float[] V) AdamW(float[] param, float[] grad, float[] m, float[] v,
        float lr, float beta1, float beta2, float eps, float wd, int step) =>
        Adam(param, grad, m, v, lr, beta1, beta2, eps, wd, decoupled: true, step);

    /// <summary>ema = decay*ema + (1 - decay)*param.</summary>
    public static float[] Ema(float[] ema, float[] param, float decay)
    {
        var y = new float[ema.Length];
        for (int i = 0; i < ema.Length; i++) y[i] = (float)(decay * (double)ema[i] + (1 - (double)decay) * param[i]);
        return y;
    }
}
