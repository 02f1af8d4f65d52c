using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>NLL, BCE with logits and one-hot: kernels/loss.cu.</summary>
public sealed partial class CudaBackend
{
    public void NllLoss(Storage logProbs, Storage targets, Storage? weight, Storage loss, Storage weightSum,
                        long outer, int classes, long inner, float smoothing, int ignoreIndex) =>
        Launch1D(K.vc_nll_loss_f32, outer * inner, P(logProbs), P(targets), P(weight, optional: true), P(loss), P(weightSum),
            outer, classes, inner, smoothing, ignoreIndex);

    public void NllLossBackward(Storage targets, Storage? weight, Storage dLoss, Storage dLogProbs,
                                long outer, int classes, long inner, float smoothing, int ignoreIndex) =>
        Launch1D(K.vc_nll_loss_bwd_f32, outer * classes * inner, P(targets), P(weight, optional: true), P(dLoss), P(dLogProbs),
            outer, classes, inner, smoothing, ignoreIndex);

    public void BceWithLogits(Storage x, Storage target, Storage loss, long count, float posWeight = 1f) =>
        Launch1D(K.vc_bce_logits_f32, count, P(x), P(target), P(loss), count, posWeight);

    public void BceWithLogitsBackward(Storage x, Storage target, Storage dLoss, Storage dx, long count, float posWeight = 1f) =>
        Launch1D(K.vc_bce_logits_bwd_f32, count, P(x), P(target), P(dLoss), P(dx), count, posWeight);

    public void OneHot(Storage indices, Storage y, long count, int classes) =>
        Launch1D(K.vc_one_hot_f32, count * classes, P(indices), P(y), count, classes);
}
