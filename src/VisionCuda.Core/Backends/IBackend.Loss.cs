namespace VisionCuda.Backends;

/// <summary>Losses on logits and log-probabilities (NLL, BCE with logits) and one-hot. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
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
}
