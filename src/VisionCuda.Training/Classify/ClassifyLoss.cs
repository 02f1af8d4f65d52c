namespace VisionCuda.Training.Classify;

/// <summary>The classification criterion: cross-entropy (label smoothing, class weights) or focal loss when gamma &gt; 0.</summary>
public sealed class ClassifyLoss
{
    public ClassifyLoss(float labelSmoothing, float focalGamma, Tensor? classWeights)
    {
        LabelSmoothing = labelSmoothing;
        FocalGamma = focalGamma;
        ClassWeights = classWeights;
    }

    public float LabelSmoothing { get; }

    public float FocalGamma { get; }

    public Tensor? ClassWeights { get; }

    public Tensor Compute(Tensor logits, Tensor targets) => FocalGamma > 0
        ? F.FocalLoss(logits, targets, FocalGamma, ClassWeights)
        : F.CrossEntropy(logits, targets, ClassWeights, LabelSmoothing);

    /// <summary>
    /// Loss for mixup/cutmix batches: per sample, lambda * loss(target A) + (1 - lambda) * loss(target B), averaged
    /// over the batch (the mixed-label form of the same criterion).
    /// </summary>
    public Tensor ComputeMixed(Tensor logits, Tensor targetsA, Tensor targetsB, Tensor lambda)
    {
        Tensor PerSample(Tensor t) => FocalGamma > 0
            ? F.FocalLoss(logits, t, FocalGamma, ClassWeights, Reduction.None)
            : F.CrossEntropy(logits, t, ClassWeights, LabelSmoothing, reduction: Reduction.None);
        var a = PerSample(targetsA);
        var b = PerSample(targetsB);
        // lambda*a + (1-lambda)*b = b + lambda*(a - b)
        return F.Mean(b + lambda * (a - b));
    }
}
