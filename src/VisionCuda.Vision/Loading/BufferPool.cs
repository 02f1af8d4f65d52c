using System.Collections.Concurrent;

namespace VisionCuda.Vision.Loading;

/// <summary>
/// A pool of float arrays of exact lengths (ArrayPool hands out larger arrays, but Tensor.FromArray needs the exact
/// size). Batch buffers go back here when a <see cref="ClassificationBatch"/> is disposed; a batch that is never
/// disposed is simply collected. Arrays are not cleared: every element of a batch is overwritten.
/// </summary>
public sealed class BufferPool
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> _bags = new();
    private readonly int _maxPerLength;

    public BufferPool(int maxPerLength = 8) { _maxPerLength = maxPerLength; }

    public float[] Rent(int length)
    {
        if (length == 0) return [];
        return _bags.TryGetValue(length, out var bag) && bag.TryTake(out var array) ? array : new float[length];
    }

    public void Return(float[]? array)
    {
        if (array is null || array.Length == 0) return;
        var bag = _bags.GetOrAdd(array.Length, _ => new ConcurrentBag<float[]>());
        if (bag.Count < _maxPerLength) bag.Add(array);
    }
}
