namespace VisionCuda.Vision.Data;

/// <summary>Inverse-frequency class weights for imbalanced data (Ultralytics-style `cls_weights`).</summary>
public static class ClassWeights
{
    /// <summary>
    /// w_c = N / (C * n_c), then scaled so the mean over the classes present is 1. A class with no samples gets 0
    /// (it never appears as a target, and a finite weight keeps the loss well defined).
    /// </summary>
    public static float[] InverseFrequency(IReadOnlyList<int> classCounts)
    {
        int c = classCounts.Count;
        long n = 0;
        int present = 0;
        foreach (int k in classCounts)
        {
            if (k < 0) throw new ArgumentOutOfRangeException(nameof(classCounts), k, "class counts must be non-negative");
            n += k;
            if (k > 0) present++;
        }
        var w = new double[c];
        if (present == 0) return new float[c];
        double sum = 0;
        for (int i = 0; i < c; i++)
        {
            w[i] = classCounts[i] > 0 ? (double)n / ((double)c * classCounts[i]) : 0;
            sum += w[i];
        }
        double scale = present / sum;
        return w.Select(x => (float)(x * scale)).ToArray();
    }

    public static float[] InverseFrequency(IClassificationDataset dataset) => InverseFrequency(dataset.ClassCounts());

    /// <summary>Per-sample weights w[label(i)], the usual input of <see cref="WeightedRandomSampler"/>.</summary>
    public static double[] PerSample(IClassificationDataset dataset, IReadOnlyList<float> classWeights)
    {
        var w = new double[dataset.Count];
        for (int i = 0; i < w.Length; i++) w[i] = classWeights[dataset.GetLabel(i)];
        return w;
    }
}
