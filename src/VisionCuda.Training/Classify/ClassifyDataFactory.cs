using VisionCuda.Training.Options;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Classify;

/// <summary>
/// Opens the data set named by --data: nothing means the embedded synthetic shapes set (no download), "mnist" the
/// MNIST fixture (tools/mnist/prepare.sh), anything else an ImageFolder directory.
/// </summary>
public static class ClassifyDataFactory
{
    /// <summary>Images per class of the embedded default set: enough for a small CNN to exceed 90% in a few epochs.</summary>
    public const int SyntheticTrainPerClass = 300, SyntheticValPerClass = 60;

    public static ClassificationData Open(ClassifyTrainOptions o)
    {
        // The embedded set is fixed (seed 0) whatever the training seed, so runs with different seeds are comparable.
        if (string.IsNullOrWhiteSpace(o.Data))
            return SyntheticShapes.CreateSplits(SyntheticTrainPerClass, SyntheticValPerClass, imageSize: 32, seed: 0);
        bool named = o.Data.Equals("mnist", StringComparison.OrdinalIgnoreCase) || o.Data.Equals("synthetic", StringComparison.OrdinalIgnoreCase)
            || o.Data.Equals("shapes", StringComparison.OrdinalIgnoreCase);
        if (!named && !Directory.Exists(o.Data))
            throw new DatasetException(o.Data, $"data folder '{o.Data}' does not exist");
        if (o.Data.Equals("mnist", StringComparison.OrdinalIgnoreCase) && !MnistDataset.Exists())
            throw new DatasetException(MnistDataset.DefaultDirectory, $"MNIST not found in {MnistDataset.DefaultDirectory}: run tools/mnist/prepare.sh first");
        return ClassificationSources.Open(o.Data, new ImageFolderOptions { Seed = (ulong)o.Seed, Fraction = o.Fraction });
    }

    /// <summary>The image size used when --imgsz is 0: the set's native size, or Ultralytics' 224 for image folders.</summary>
    public static int NativeImageSize(ClassifyTrainOptions o, ClassificationData data)
    {
        if (o.Imgsz is > 0) return o.Imgsz.Value;
        if (string.IsNullOrWhiteSpace(o.Data)) return 32;
        if (string.Equals(o.Data, "mnist", StringComparison.OrdinalIgnoreCase) || MnistDataset.Exists(o.Data)) return 28;
        if (string.Equals(o.Data, "synthetic", StringComparison.OrdinalIgnoreCase) || string.Equals(o.Data, "shapes", StringComparison.OrdinalIgnoreCase)) return 32;
        return 224;
    }
}
