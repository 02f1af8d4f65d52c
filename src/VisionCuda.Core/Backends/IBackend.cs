namespace VisionCuda.Backends;

/// <summary>
/// The one backend contract. The Cpu, Cuda and Ilgpu backends implement it with the same op names; the
/// autograd layer (<see cref="F"/>) is written once on top of it.
///
/// Conventions every implementation keeps:
/// - All storages are contiguous float32 NCHW unless the parameter says Int32 (targets, indices).
/// - Ops write their outputs fully (no read of uninitialised output) unless the name says Accumulate.
/// - Reductions use a fixed partitioning, so that with the same inputs a backend gives bitwise the same result
///   whatever the thread timing (conventions.md, Determinism).
/// - Shapes are validated by the caller (<see cref="F"/>); kernels trust them.
/// - Ops are asynchronous on devices that queue work; <see cref="Download"/> and <see cref="Synchronize"/> wait.
/// </summary>
public partial interface IBackend : IDisposable
{
    /// <summary>Device name as the CLI spells it: "cpu", "cuda:0", "cuda-emu", "ilgpu:cpu".</summary>
    string Name { get; }

    /// <summary>What this backend can do or prefers, for the callers whose behaviour must differ (never test the type or the name).</summary>
    BackendCapabilities Capabilities { get; }

    // ---- memory -------------------------------------------------------------------------------------------

    /// <summary>Uninitialised, pooled storage of <paramref name="count"/> elements.</summary>
    Storage Allocate(long count, DType dtype = DType.Float32);

    void Upload<T>(ReadOnlySpan<T> source, Storage destination) where T : unmanaged;

    void Download<T>(Storage source, Span<T> destination) where T : unmanaged;

    void Fill(Storage destination, float value);

    /// <summary>
    /// Copies (or, with <paramref name="accumulate"/>, adds) <paramref name="rows"/> blocks of
    /// <paramref name="cols"/> contiguous elements: dst[dstOffset + r*dstStride + c] (+)= src[srcOffset + r*srcStride + c].
    /// Concat, split and channel slices (and their backwards) are all this one op.
    /// </summary>
    void CopyBlocks(Storage source, long sourceOffset, long sourceStride,
                    Storage destination, long destinationOffset, long destinationStride,
                    long rows, long cols, bool accumulate);

    /// <summary>y = x permuted: y.shape[i] = shape[perm[i]]. Rank at most 6.</summary>
    void Permute(Storage x, int[] shape, int[] perm, Storage y);

    void Synchronize();

    // ---- elementwise --------------------------------------------------------------------------------------

    void Unary(UnaryOp op, Storage x, Storage y, long count, float a = 0f, float b = 0f);

    /// <summary>dx = dy * f'(x). <paramref name="y"/> is the forward output, which some ops use instead of x.</summary>
    void UnaryBackward(UnaryOp op, Storage x, Storage y, Storage dy, Storage dx, long count, float a = 0f, float b = 0f);

    void Binary(BinaryOp op, Storage a, Storage b, Storage y, BroadcastPlan plan);

    /// <summary>y = a + alpha * b over <paramref name="count"/> elements, in place allowed (y may be a). Used to accumulate gradients.</summary>
    void Axpy(Storage a, Storage b, Storage y, long count, float alpha);

    // ---- reductions ---------------------------------------------------------------------------------------

    /// <summary>
    /// x viewed as [outer, dimSize, inner] reduced over the middle dim into y [outer, inner].
    /// For Max, <paramref name="argmax"/> (Int32, same shape as y) receives the index along the dim, first wins on ties.
    /// </summary>
    void Reduce(ReduceOp op, Storage x, Storage y, long outer, int dimSize, long inner, Storage? argmax = null);

    /// <summary>Backward of Reduce: dx [outer, dimSize, inner] from dy [outer, inner]. Overwrites dx.</summary>
    void ReduceBackward(ReduceOp op, Storage dy, Storage dx, long outer, int dimSize, long inner, Storage? argmax = null);

    // ---- GEMM ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Row-major batched GEMM: C[i] = alpha * op(A[i]) * op(B[i]) + beta * C[i] for i &lt; batch, where
    /// op(A) is m x k and op(B) is k x n. A stride of 0 reuses the same matrix for every batch item.
    /// </summary>
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
              Storage a, long aOffset, long strideA,
              Storage b, long bOffset, long strideB,
              float beta, Storage c, long cOffset, long strideC, int batch = 1);

    // ---- convolution ----------------------------------------------------------------------------------------

    /// <summary>y [N,K,OH,OW] = conv(x [N,C,H,W], w [K,C/g,R,S]) (+ bias [K] when given).</summary>
    void Conv2dForward(in Conv2dGeometry g, Storage x, Storage w, Storage? bias, Storage y);

    /// <summary>dx [N,C,H,W] from dy [N,K,OH,OW] and w. Overwrites dx.</summary>
    void Conv2dBackwardData(in Conv2dGeometry g, Storage dy, Storage w, Storage dx);

    /// <summary>dw [K,C/g,R,S] (and dbias [K] when given) from x and dy. Overwrites dw and dbias.</summary>
    void Conv2dBackwardWeight(in Conv2dGeometry g, Storage x, Storage dy, Storage dw, Storage? dbias);

    // ---- normalisation ------------------------------------------------------------------------------------

    /// <summary>
    /// Batch-norm over [N, C, HW] in training mode: normalises with the batch statistics, stores mean and
    /// 1/sqrt(var+eps) (biased var) for the backward, and updates running stats with the unbiased variance:
    /// running = (1-momentum)*running + momentum*batch.
    /// </summary>
    void BatchNormTrain(Storage x, Storage gamma, Storage beta, Storage y,
                        Storage saveMean, Storage saveInvStd,
                        Storage runningMean, Storage runningVar,
                        int n, int c, long hw, float momentum, float eps);

    void BatchNormEval(Storage x, Storage gamma, Storage beta, Storage y,
                       Storage runningMean, Storage runningVar,
                       int n, int c, long hw, float eps);

    /// <summary>Backward of training-mode batch-norm. Overwrites dx, dgamma and dbeta.</summary>
    void BatchNormBackward(Storage x, Storage dy, Storage gamma, Storage saveMean, Storage saveInvStd,
                           Storage dx, Storage dgamma, Storage dbeta, int n, int c, long hw);

    // ---- pooling and resampling ------------------------------------------------------------------------------

    /// <summary>Max pooling; <paramref name="indices"/> (Int32) gets the flat h*W+w index of each max inside its plane.</summary>
    void MaxPool2dForward(in Pool2dGeometry g, Storage x, Storage y, Storage indices);

    void MaxPool2dBackward(in Pool2dGeometry g, Storage dy, Storage indices, Storage dx);

    void AvgPool2dForward(in Pool2dGeometry g, Storage x, Storage y);

    void AvgPool2dBackward(in Pool2dGeometry g, Storage dy, Storage dx);

    /// <summary>Resize [N*C, H, W] to [N*C, outH, outW]. Nearest follows PyTorch's 'nearest' (floor of dst*scale).</summary>
    void Upsample(InterpolationMode mode, bool alignCorners, Storage x, Storage y, long planes, int h, int w, int outH, int outW);

    void UpsampleBackward(InterpolationMode mode, bool alignCorners, Storage dy, Storage dx, long planes, int h, int w, int outH, int outW);

    // ---- softmax and losses -------------------------------------------------------------------------------

    /// <summary>(Log-)softmax over the middle dim of [outer, dimSize, inner].</summary>
    void Softmax(Storage x, Storage y, long outer, int dimSize, long inner, bool log);

    /// <summary>Backward of (log-)softmax from its output y.</summary>
    void SoftmaxBackward(Storage y, Storage dy, Storage dx, long outer, int dimSize, long inner, bool log);

    /// <summary>
    /// Negative log-likelihood with label smoothing and class weights, over log-probabilities [outer, classes, inner]
    /// and Int32 targets [outer, inner]. Per position i with target t (w = weight or 1, eps = smoothing, C = classes):
    /// loss[i] = (1-eps)*w[t]*(-logp[t]) + eps/C * sum_c w[c]*(-logp[c]); weightSum[i] = w[t].
    /// A target equal to <paramref name="ignoreIndex"/> gives loss 0 and weightSum 0.
    /// The caller divides sum(loss) by sum(weightSum) for a 'mean' reduction, as PyTorch does.
    /// </summary>
    void NllLoss(Storage logProbs, Storage targets, Storage? weight, Storage loss, Storage weightSum,
                 long outer, int classes, long inner, float smoothing, int ignoreIndex);

    /// <summary>dlogp[i,c] = -dLoss[i] * ((1-eps)*w[t]*[c==t] + eps/C*w[c]). Overwrites dLogProbs.</summary>
    void NllLossBackward(Storage targets, Storage? weight, Storage dLoss, Storage dLogProbs,
                         long outer, int classes, long inner, float smoothing, int ignoreIndex);

    /// <summary>Elementwise, numerically stable BCE with logits: loss = max(x,0) - x*t + log(1 + exp(-|x|)), times posWeight on the positive term.</summary>
    void BceWithLogits(Storage x, Storage target, Storage loss, long count, float posWeight = 1f);

    /// <summary>dx = dLoss * (posWeight*t*(sigmoid(x)-1) + (1-t)*sigmoid(x)) (reduces to sigmoid(x)-t when posWeight is 1). dtarget is not computed.</summary>
    void BceWithLogitsBackward(Storage x, Storage target, Storage dLoss, Storage dx, long count, float posWeight = 1f);

    /// <summary>One-hot [count, classes] from Int32 indices; out-of-range indices give an all-zero row.</summary>
    void OneHot(Storage indices, Storage y, long count, int classes);

    // ---- randomness ---------------------------------------------------------------------------------------

    /// <summary>
    /// Dropout mask: mask[i] = 0 with probability p, else 1/(1-p), drawn with Philox4x32-10 keyed by
    /// <paramref name="seed"/> at counter (<paramref name="offset"/> + i). Every backend draws the same mask.
    /// </summary>
    void DropoutMask(Storage mask, long count, float p, ulong seed, ulong offset);

    // ---- optimizers ---------------------------------------------------------------------------------------

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
