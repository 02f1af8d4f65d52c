using OpenCvSharp;
using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// What the detection loader needs from a data set, whatever its source (YOLO folders on disk, the in-memory
/// <see cref="SyntheticDetection"/>). Implementations are read-only after construction and thread-safe: loader
/// workers call <see cref="Load"/> concurrently.
/// </summary>
public interface IDetectionDataset
{
    int Count { get; }

    /// <summary>Class names; nc = Names.Count and every label's class is an index into it.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The normalised labels of image <paramref name="index"/> (no decode); empty for a background image.</summary>
    YoloBox[] GetLabels(int index);

    /// <summary>Decodes image <paramref name="index"/> as an 8-bit RGB HWC Mat; the caller disposes it. Throws
    /// <see cref="Imaging.ImageDecodeException"/> for a corrupt or unreadable file.</summary>
    Mat Load(int index);

    /// <summary>The original image size without decoding (from the file header or the label cache).</summary>
    (int Width, int Height) ImageSize(int index);

    /// <summary>A human-readable name of the image for messages (its file path, or e.g. "synthetic #12").</summary>
    string Describe(int index);
}

/// <summary>Class statistics over any <see cref="IDetectionDataset"/> (for cls_weights 'auto').</summary>
public static class DetectionDatasetExtensions
{
    /// <summary>Box instances per class over the split.</summary>
    public static int[] ClassCounts(this IDetectionDataset dataset)
    {
        var counts = new int[dataset.Names.Count];
        for (int i = 0; i < dataset.Count; i++)
            foreach (var b in dataset.GetLabels(i))
                if ((uint)b.Cls < (uint)counts.Length) counts[b.Cls]++;
        return counts;
    }

    /// <summary>Instances per class divided by all instances (zeros when the split has no boxes).</summary>
    public static float[] ClassFrequency(this IDetectionDataset dataset)
    {
        var counts = dataset.ClassCounts();
        long total = counts.Sum(c => (long)c);
        return counts.Select(c => total > 0 ? (float)((double)c / total) : 0f).ToArray();
    }

    /// <summary>Inverse-frequency class weights (mean 1 over the classes present; 0 for absent classes), the same rule
    /// as classification's <see cref="ClassWeights.InverseFrequency(IReadOnlyList{int})"/>.</summary>
    public static float[] InverseFrequencyWeights(this IDetectionDataset dataset) => ClassWeights.InverseFrequency(dataset.ClassCounts());

    /// <summary>Total number of boxes.</summary>
    public static int InstanceCount(this IDetectionDataset dataset)
    {
        int n = 0;
        for (int i = 0; i < dataset.Count; i++) n += dataset.GetLabels(i).Length;
        return n;
    }
}
