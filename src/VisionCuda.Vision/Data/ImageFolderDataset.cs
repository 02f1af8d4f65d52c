using OpenCvSharp;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Data;

/// <summary>A list of (image file, label) pairs decoded on demand with OpenCvSharp.</summary>
public sealed class ImageFolderDataset : IClassificationDataset
{
    private readonly (string Path, int Label)[] _samples;

    public ImageFolderDataset(IReadOnlyList<string> classNames, IEnumerable<(string Path, int Label)> samples, int channels = 3)
    {
        ImageIO.CheckChannels(channels);
        ClassNames = classNames.ToArray();
        _samples = samples.ToArray();
        Channels = channels;
        foreach (var (path, label) in _samples)
            if ((uint)label >= (uint)ClassNames.Count) throw new ArgumentOutOfRangeException(nameof(samples), $"label {label} of '{path}' is outside {ClassNames.Count} classes");
    }

    public int Count => _samples.Length;
    public IReadOnlyList<string> ClassNames { get; }
    public int Channels { get; }
    public string PathOf(int index) => _samples[index].Path;
    public int GetLabel(int index) => _samples[index].Label;
    public Mat Load(int index) => ImageIO.Read(_samples[index].Path, Channels);
    public string Describe(int index) => _samples[index].Path;

    /// <summary>The same files restricted to <paramref name="indices"/> (keeps the file-backed type).</summary>
    public ImageFolderDataset Select(IEnumerable<int> indices) => new(ClassNames, indices.Select(i => _samples[i]), Channels);
}
