namespace VisionCuda.Vision.Data;

/// <summary>
/// Resolves the `data` argument of `visioncuda train classify` to splits:
///   (none), "synthetic" or "shapes"  -> <see cref="SyntheticShapes"/> (the embedded default, no download);
///   "mnist"                          -> <see cref="MnistDataset"/> from <see cref="MnistDataset.DefaultDirectory"/>;
///   a folder holding the MNIST idx files -> that MNIST;
///   any other folder                 -> <see cref="ImageFolder"/>.
/// <see cref="ImageFolderOptions.Fraction"/> applies to the training split of every source.
/// </summary>
public static class ClassificationSources
{
    public static ClassificationData Open(string? data, ImageFolderOptions? options = null, int syntheticImageSize = 32)
    {
        options ??= new ImageFolderOptions();
        ClassificationData result;
        string key = (data ?? "").Trim();
        if (key.Length == 0 || key.Equals("synthetic", StringComparison.OrdinalIgnoreCase) || key.Equals("shapes", StringComparison.OrdinalIgnoreCase))
            result = SyntheticShapes.CreateSplits(imageSize: syntheticImageSize, seed: options.Seed);
        else if (key.Equals("mnist", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(key))
            result = MnistDataset.Load();
        else if (Directory.Exists(key) && MnistDataset.Exists(key))
            result = MnistDataset.Load(key);
        else
            return ImageFolder.Open(key, options); // applies Fraction itself
        return ApplyFraction(result, options);
    }

    /// <summary>Keeps a stratified <paramref name="options"/>.Fraction of the training split.</summary>
    public static ClassificationData ApplyFraction(ClassificationData data, ImageFolderOptions options)
    {
        if (options.Fraction >= 1.0) return data;
        var keep = StratifiedSplit.Subset(data.Train.Labels(), data.NumClasses, options.Fraction, options.Seed);
        return data with { Train = new SubsetDataset(data.Train, keep) };
    }
}
