using VisionCuda.Vision.Augment;

namespace VisionCuda.Vision.Loading;

/// <summary>
/// One batch: images [Count, Channels, Height, Width] as contiguous NCHW floats, labels, the data set indices the
/// samples came from, and, when mixup/cutmix is on, per-sample <see cref="MixedTargets"/>. Count can be below the
/// batch size for the last batch (drop_last off) or when corrupt images were skipped.
/// Dispose returns the image buffer to the loader's pool; do not use <see cref="Images"/> afterwards.
/// Typical use: <c>Tensor.FromArray(batch.Images, batch.Shape)</c>, which copies.
/// </summary>
public sealed class ClassificationBatch : IDisposable
{
    private readonly BufferPool? _pool;
    private float[]? _images;

    internal ClassificationBatch(float[] images, int[] labels, int[] indices, MixedTargets[]? mixed,
        int channels, int height, int width, long epoch, int batchIndex, BufferPool? pool)
    {
        _images = images; Labels = labels; Indices = indices; Mixed = mixed;
        Channels = channels; Height = height; Width = width; Epoch = epoch; BatchIndex = batchIndex; _pool = pool;
    }

    public float[] Images => _images ?? throw new ObjectDisposedException(nameof(ClassificationBatch));
    public int[] Labels { get; }

    /// <summary>Data set index of each sample.</summary>
    public int[] Indices { get; }

    /// <summary>Per-sample (A, B, Lambda) when mixup/cutmix is enabled; null otherwise.</summary>
    public MixedTargets[]? Mixed { get; }

    public int Count => Labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public long Epoch { get; }
    public int BatchIndex { get; }

    /// <summary>[Count, Channels, Height, Width].</summary>
    public int[] Shape => [Count, Channels, Height, Width];

    /// <summary>Soft targets [Count, numClasses]: one-hot labels, or the mixed targets' label mix.</summary>
    public float[] SoftTargets(int numClasses) =>
        MixedTargets.ToSoft(Mixed ?? MixedTargets.FromLabels(Labels), numClasses);

    public void Dispose()
    {
        var images = Interlocked.Exchange(ref _images, null);
        _pool?.Return(images);
    }
}
