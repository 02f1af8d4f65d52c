using OpenCvSharp;

namespace VisionCuda.Vision.Data;

/// <summary>
/// What the classification trainer needs from a data set, whatever its source (ImageFolder on disk, MNIST idx
/// files, the in-memory SyntheticShapes). Implementations are read-only after construction and thread-safe:
/// loader workers call <see cref="Load"/> concurrently.
/// </summary>
public interface IClassificationDataset
{
    int Count { get; }

    /// <summary>Class names; the label of a sample is an index into this list.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Channel count of the images <see cref="Load"/> returns: 3 (RGB) or 1 (gray).</summary>
    int Channels { get; }

    /// <summary>The label without decoding the image (samplers and class weights use it).</summary>
    int GetLabel(int index);

    /// <summary>Decodes sample <paramref name="index"/> as an 8-bit HWC Mat (RGB or gray). The caller disposes it.
    /// Throws <see cref="Imaging.ImageDecodeException"/> for a corrupt or unreadable file.</summary>
    Mat Load(int index);

    /// <summary>A human-readable name of the sample for messages (its file path, or e.g. "synthetic #12").</summary>
    string Describe(int index);
}

/// <summary>Convenience helpers over any <see cref="IClassificationDataset"/>.</summary>
public static class ClassificationDatasetExtensions
{
    public static int[] Labels(this IClassificationDataset dataset)
    {
        var labels = new int[dataset.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = dataset.GetLabel(i);
        return labels;
    }

    /// <summary>Samples per class.</summary>
    public static int[] ClassCounts(this IClassificationDataset dataset)
    {
        var counts = new int[dataset.ClassNames.Count];
        for (int i = 0; i < dataset.Count; i++) counts[dataset.GetLabel(i)]++;
        return counts;
    }
}
