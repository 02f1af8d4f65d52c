namespace VisionCuda.Training.Detect.Loss;

// Design notes
// - The batch's ground truth in Ultralytics' collated layout: one row per box, (image index in batch, class,
//   cx, cy, w, h) with coordinates normalised to [0, 1] of the (letterboxed) input image.
// - Class weights for the classification BCE: given per class (cls_weights), or inverse frequency from label counts.

/// <summary>Ground-truth boxes of a batch (see the design notes at the top of the file).</summary>
public sealed class DetectionTargets
{
    public DetectionTargets(int[] batchIndex, int[] classes, float[] boxes)
    {
        ArgumentNullException.ThrowIfNull(batchIndex);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(boxes);
        if (classes.Length != batchIndex.Length || boxes.Length != 4 * batchIndex.Length)
            throw new ArgumentException($"DetectionTargets: {batchIndex.Length} batch indices, {classes.Length} classes and {boxes.Length / 4.0} boxes");
        BatchIndex = batchIndex;
        Classes = classes;
        Boxes = boxes;
    }

    public int[] BatchIndex { get; }

    public int[] Classes { get; }

    /// <summary>cx, cy, w, h per box, normalised.</summary>
    public float[] Boxes { get; }

    public int Count => BatchIndex.Length;

    public static DetectionTargets Empty { get; } = new(Array.Empty<int>(), Array.Empty<int>(), Array.Empty<float>());

    /// <summary>From rows (image, class, cx, cy, w, h), e.g. a [N, 6] tensor's data.</summary>
    public static DetectionTargets FromRows(ReadOnlySpan<float> rows)
    {
        if (rows.Length % 6 != 0) throw new ArgumentException("DetectionTargets.FromRows: rows of 6 values (image, class, cx, cy, w, h)");
        int n = rows.Length / 6;
        var bi = new int[n];
        var cls = new int[n];
        var boxes = new float[4 * n];
        for (int i = 0; i < n; i++)
        {
            bi[i] = (int)rows[6 * i];
            cls[i] = (int)rows[6 * i + 1];
            rows.Slice(6 * i + 2, 4).CopyTo(boxes.AsSpan(4 * i, 4));
        }
        return new DetectionTargets(bi, cls, boxes);
    }

    /// <summary>From a [N, 6] tensor of rows (image, class, cx, cy, w, h).</summary>
    public static DetectionTargets FromTensor(Tensor rows)
    {
        if (rows.Rank != 2 || rows.Shape[1] != 6) throw new ArgumentException($"DetectionTargets.FromTensor: expected [N, 6], got {Shapes.Format(rows.Shape)}");
        return FromRows(rows.ToArray());
    }
}

/// <summary>Per-class weights for the classification loss.</summary>
public static class ClassWeights
{
    /// <summary>
    /// Inverse-frequency weights w_c = mean(count) / count_c, normalised so that the weights average 1 over the
    /// classes; a class with no labels gets the largest weight of the others (or 1 when all are empty).
    /// </summary>
    public static float[] InverseFrequency(IReadOnlyList<long> counts)
    {
        if (counts.Count == 0) return Array.Empty<float>();
        var w = new double[counts.Count];
        for (int c = 0; c < w.Length; c++) w[c] = counts[c] > 0 ? 1.0 / counts[c] : double.NaN;
        double maxW = w.Where(v => !double.IsNaN(v)).DefaultIfEmpty(1.0).Max();
        for (int c = 0; c < w.Length; c++) if (double.IsNaN(w[c])) w[c] = maxW;
        double mean = w.Average();
        return w.Select(v => (float)(v / mean)).ToArray();
    }
}
