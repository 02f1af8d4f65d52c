using OpenCvSharp;

namespace VisionCuda.Vision.Data;

/// <summary>A view of some samples of another data set, in the order given.</summary>
public sealed class SubsetDataset : IClassificationDataset
{
    private readonly IClassificationDataset _inner;
    private readonly int[] _indices;

    public SubsetDataset(IClassificationDataset inner, IReadOnlyList<int> indices)
    {
        _inner = inner;
        _indices = indices.ToArray();
        foreach (int i in _indices)
            if ((uint)i >= (uint)inner.Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"index outside a data set of {inner.Count}");
    }

    public IClassificationDataset Inner => _inner;
    public IReadOnlyList<int> Indices => _indices;
    public int Count => _indices.Length;
    public IReadOnlyList<string> ClassNames => _inner.ClassNames;
    public int Channels => _inner.Channels;
    public int GetLabel(int index) => _inner.GetLabel(_indices[index]);
    public Mat Load(int index) => _inner.Load(_indices[index]);
    public string Describe(int index) => _inner.Describe(_indices[index]);
}
