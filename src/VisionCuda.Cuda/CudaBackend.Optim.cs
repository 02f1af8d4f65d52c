using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>Fused optimizer steps (SGD, Adam/AdamW, EMA): kernels/optim.cu.</summary>
public sealed partial class CudaBackend
{
    public void SgdStep(Storage param, Storage grad, Storage momentumBuffer, long count,
                        float lr, float momentum, float weightDecay, bool nesterov, bool firstStep) =>
        Launch1D(K.vc_sgd_f32, count, P(param), P(grad), P(momentumBuffer), count, lr, momentum, weightDecay, nesterov, firstStep);

    public void AdamStep(Storage param, Storage grad, Storage m, Storage v, long count,
                         float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int step)
    {
        double bc1 = 1.0 - Math.Pow(beta1, step);
        double bc2 = 1.0 - Math.Pow(beta2, step);
        float stepSize = (float)(lr / bc1);
        float bc2Sqrt = (float)Math.Sqrt(bc2);
        Launch1D(K.vc_adam_f32, count, P(param), P(grad), P(m), P(v), count, lr, beta1, beta2, eps, weightDecay, decoupled,
            stepSize, bc2Sqrt);
    }

    public void EmaUpdate(Storage ema, Storage param, long count, float decay) =>
        Launch1D(K.vc_ema_f32, count, P(ema), P(param), count, decay);
}
