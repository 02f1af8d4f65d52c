using OpenCvSharp;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Detect.Train;

/// <summary>The first <c>count</c> images of a data set (Ultralytics' fraction keeps the first part of the image list).</summary>
internal sealed class PrefixView : IDetectionDataset
{
    private readonly IDetectionDataset _inner;

    public PrefixView(IDetectionDataset inner, int count)
    {
        _inner = inner;
        Count = Math.Clamp(count, 1, inner.Count);
    }

    public int Count { get; }
    public IReadOnlyList<string> Names => _inner.Names;
    public YoloBox[] GetLabels(int index) => _inner.GetLabels(index);
    public Mat Load(int index) => _inner.Load(index);
    public (int Width, int Height) ImageSize(int index) => _inner.ImageSize(index);
    public string Describe(int index) => _inner.Describe(index);
}

/// <summary>Every label mapped to class 0 (single_cls for data sets that do not do it themselves, e.g. the embedded set).</summary>
internal sealed class SingleClassView : IDetectionDataset
{
    private readonly IDetectionDataset _inner;

    public SingleClassView(IDetectionDataset inner) => _inner = inner;

    public int Count => _inner.Count;
    public IReadOnlyList<string> Names { get; } = ["item"];
    public YoloBox[] GetLabels(int index) => _inner.GetLabels(index).Select(b => b with { Cls = 0 }).ToArray();
    public Mat Load(int index) => _inner.Load(index);
    public (int Width, int Height) ImageSize(int index) => _inner.ImageSize(index);
    public string Describe(int index) => _inner.Describe(index);
}
