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
}
