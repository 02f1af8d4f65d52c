namespace VisionCuda.Backends;

/// <summary>Fused optimizer steps and the EMA of the weights. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>
    /// Fused SGD as PyTorch: g = grad + wd*param; buf = momentum*buf + g (buf = g on the first step);
    /// step = nesterov ? g + momentum*buf : buf; param -= lr*step.
    /// </summary>
    void SgdStep(Storage param, Storage grad, Storage momentumBuffer, long count,
                 float lr, float momentum, float weightDecay, bool nesterov, bool firstStep);

    /// <summary>
    /// Fused Adam/AdamW as PyTorch (bias-corrected, eps outside the sqrt). decoupled=true is AdamW
    /// (param *= 1 - lr*wd), else wd is added to the gradient. <paramref name="step"/> counts from 1.
    /// </summary>
    void AdamStep(Storage param, Storage grad, Storage m, Storage v, long count,
                  float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int step);

    /// <summary>ema = decay*ema + (1-decay)*param.</summary>
    void EmaUpdate(Storage ema, Storage param, long count, float decay);
}
