namespace VisionCuda.Vision.Augment;

/// <summary>
/// The label of one mixed sample: the image is Lambda parts class A and (1 - Lambda) parts class B, so the loss is
/// Lambda * CE(logits, A) + (1 - Lambda) * CE(logits, B). An unmixed sample has A == B and Lambda == 1.
/// </summary>
public readonly record struct MixedTargets(int A, int B, float Lambda)
{
    /// <summary>Soft targets [N, numClasses]: Lambda on A plus (1 - Lambda) on B (equal classes add up).</summary>
    public static float[] ToSoft(ReadOnlySpan<MixedTargets> targets, int numClasses)
    {
        var soft = new float[targets.Length * numClasses];
        for (int i = 0; i < targets.Length; i++)
        {
            var t = targets[i];
            if ((uint)t.A >= (uint)numClasses || (uint)t.B >= (uint)numClasses)
                throw new ArgumentOutOfRangeException(nameof(targets), $"class index out of range for {numClasses} classes");
            soft[i * numClasses + t.A] += t.Lambda;
            soft[i * numClasses + t.B] += 1f - t.Lambda;
        }
        return soft;
    }

    /// <summary>Unmixed targets for plain labels.</summary>
    public static MixedTargets[] FromLabels(ReadOnlySpan<int> labels)
    {
        var t = new MixedTargets[labels.Length];
        for (int i = 0; i < labels.Length; i++) t[i] = new MixedTargets(labels[i], labels[i], 1f);
        return t;
    }
}
