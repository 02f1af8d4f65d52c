using VisionCuda.Backends;

namespace VisionCuda.Cuda;

public sealed partial class CudaBackend
{
    public void Softmax(Storage x, Storage y, long outer, int dimSize, long inner, bool log)
    {
        if (inner == 1) LaunchWarpRows(K.vc_softmax_rows_f32, outer, P(x), P(y), outer, dimSize, log ? 1 : 0);
        else Launch1D(K.vc_softmax_inner_f32, outer * inner, P(x), P(y), outer, dimSize, inner, log ? 1 : 0);
    }

    public void SoftmaxBackward(Storage y, Storage dy, Storage dx, long outer, int dimSize, long inner, bool log)
    {
        if (inner == 1) LaunchWarpRows(K.vc_softmax_bwd_rows_f32, outer, P(y), P(dy), P(dx), outer, dimSize, log ? 1 : 0);
        else Launch1D(K.vc_softmax_bwd_inner_f32, outer * inner, P(y), P(dy), P(dx), outer, dimSize, inner, log ? 1 : 0);
    }

    /// <summary>One warp per row, 8 rows per 256-thread block.</summary>
    private void LaunchWarpRows(K k, long rows, params ReadOnlySpan<Arg> args)
    {
        if (rows <= 0) return;
        long blocks = Math.Min((rows + 7) / 8, MaxGridBlocks * 4L);
        Launch(k, (uint)blocks, 1, 1, BlockSize, 0, args);
    }

    // ---- losses -------------------------------------------------------------------------------------------

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

    // ---- randomness and optimizers ------------------------------------------------------------------------

    public void DropoutMask(Storage mask, long count, float p, ulong seed, ulong offset) =>
        Launch1D(K.vc_dropout_mask_f32, count, P(mask), count, p, 1f / (1f - p), seed, offset);

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
