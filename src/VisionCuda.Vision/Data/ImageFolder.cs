using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Data;

/// <summary>Options of <see cref="ImageFolder.Open"/>.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>Held-out fraction per class when the root has no train/ and val/ folders.</summary>
    public double ValFraction { get; init; } = 0.2;

    /// <summary>Ultralytics `fraction`: keep a stratified subset of the training set.</summary>
    public double Fraction { get; init; } = 1.0;

    public ulong Seed { get; init; }

    /// <summary>3 decodes RGB, 1 decodes gray.</summary>
    public int Channels { get; init; } = 3;
}

/// <summary>
/// The torchvision / Ultralytics ImageFolder layout.
///
///   root/train/&lt;class&gt;/*.jpg, root/val/&lt;class&gt;/*.jpg, optional root/test/&lt;class&gt;/...
///   (without val/, test/ serves as val, as in Ultralytics), or
///   root/&lt;class&gt;/*.jpg: one folder, split into train/val by <see cref="StratifiedSplit"/>.
///
/// Class names are the train class folder names sorted ordinally; index = position. Class folders are searched
/// recursively for the extensions in <see cref="ImageIO.SupportedExtensions"/>, files sorted by path so the sample
/// order is the same on every machine. A missing root, a folder with no images or an empty class folder raises
/// <see cref="DatasetException"/> naming the path.
/// </summary>
public static class ImageFolder
{
    public static ClassificationData Open(string root, ImageFolderOptions? options = null)
    {
        options ??= new ImageFolderOptions();
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new DatasetException(full, $"data folder not found: {full}");

        string train = Path.Combine(full, "train"), val = Path.Combine(full, "val"), test = Path.Combine(full, "test");
        ImageFolderDataset trainSet, valSet;
        ImageFolderDataset? testSet = null;
        if (Directory.Exists(train))
        {
            trainSet = Scan(train, null, options.Channels);
            if (Directory.Exists(val))
            {
                valSet = Scan(val, trainSet.ClassNames, options.Channels);
                if (Directory.Exists(test)) testSet = Scan(test, trainSet.ClassNames, options.Channels);
            }
            else if (Directory.Exists(test))
            {
                valSet = Scan(test, trainSet.ClassNames, options.Channels);
            }
            else
            {
                (trainSet, valSet) = SplitOff(trainSet, options);
            }
        }
        else
        {
            (trainSet, valSet) = SplitOff(Scan(full, null, options.Channels), options);
        }

        if (options.Fraction < 1.0)
            trainSet = trainSet.Select(StratifiedSplit.Subset(trainSet.Labels(), trainSet.ClassNames.Count, options.Fraction, options.Seed));
        return new ClassificationData(trainSet, valSet, testSet, trainSet.ClassNames, full);
    }

    /// <summary>Reads one folder of class folders. With <paramref name="classNames"/> given (val/test), every class
    /// folder must be one of them; labels follow the given list.</summary>
    public static ImageFolderDataset Scan(string folder, IReadOnlyList<string>? classNames, int channels = 3)
    {
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new DatasetException(full, $"data folder not found: {full}");
        var classDirs = Directory.GetDirectories(full).Select(d => Path.GetFileName(d)!)
            .Where(n => !n.StartsWith('.')).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (classDirs.Count == 0)
        {
            string what = Directory.EnumerateFiles(full).Any(ImageIO.IsSupported)
                ? "images must be inside one folder per class"
                : "no class folders";
            throw new DatasetException(full, $"no images found in {full} ({what}; expected {full}/<class>/<image>.jpg)");
        }
        var names = classNames ?? classDirs;
        var index = names.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
        var samples = new List<(string, int)>();
        foreach (string cls in classDirs)
        {
            string dir = Path.Combine(full, cls);
            if (!index.TryGetValue(cls, out int label))
                throw new DatasetException(dir, $"class folder '{dir}' is not a class of the training set ({string.Join(", ", names)})");
            var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(ImageIO.IsSupported).OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new DatasetException(dir, $"class folder '{dir}' contains no images (supported: {string.Join(" ", ImageIO.SupportedExtensions)})");
            foreach (var f in files) samples.Add((f, label));
        }
        return new ImageFolderDataset(names, samples, channels);
    }

    private static (ImageFolderDataset Train, ImageFolderDataset Val) SplitOff(ImageFolderDataset all, ImageFolderOptions options)
    {
        var (kept, held) = StratifiedSplit.Split(all.Labels(), all.ClassNames.Count, options.ValFraction, options.Seed);
        return (all.Select(kept), all.Select(held));
    }
}
