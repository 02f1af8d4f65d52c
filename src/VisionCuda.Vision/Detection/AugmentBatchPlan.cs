using System.Buffers;
using VisionCuda.Backends;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// The device half of a training batch (<see cref="DetectionLoaderOptions.DeviceAugment"/>): the composed 8-bit RGB
/// canvases of every image, packed back to back, and one <see cref="AugmentImage"/> row per image (inverse warp,
/// mixup partner and ratio, HSV gains, flips). <see cref="Materialize"/> uploads the bytes and runs
/// <see cref="IDetectionOps.AugmentBatch"/>, which gives the same float batch the Cpu loader would have built.
/// </summary>
public sealed class AugmentBatchPlan : IDisposable
{
    private byte[]? _sources;

    internal AugmentBatchPlan(byte[] sources, long sourceBytes, AugmentImage[] images, int height, int width)
    {
        _sources = sources; SourceBytes = sourceBytes; Images = images; Height = height; Width = width;
    }

    /// <summary>Whether <paramref name="backend"/> should get plans rather than finished batches: those that say so
    /// (<see cref="BackendCapabilities.DeviceAugment"/>: the Cuda backends, cuda:N and cuda-emu), where the warp, blend,
    /// HSV and float conversion move off the loader's CPU threads.</summary>
    public static bool PreferredFor(IBackend backend) => backend.Capabilities.DeviceAugment;

    public IReadOnlyList<AugmentImage> Images { get; }
    public int Height { get; }
    public int Width { get; }
    public long SourceBytes { get; }

    /// <summary>The packed canvases (the first <see cref="SourceBytes"/> bytes; the array may be longer).</summary>
    public ReadOnlySpan<byte> Sources => (_sources ?? throw new ObjectDisposedException(nameof(AugmentBatchPlan))).AsSpan(0, (int)SourceBytes);

    /// <summary>The float batch [Images.Count, 3, Height, Width] on <paramref name="backend"/>.</summary>
    public Tensor Materialize(IBackend backend)
    {
        var src = backend.Allocate(Math.Max(1, (SourceBytes + 3) / 4), DType.Int32);
        try
        {
            backend.Upload(Sources, src);
            var t = Tensor.Empty([Images.Count, 3, Height, Width], backend);
            backend.Detection().AugmentBatch(src, Images, t.Storage, Height, Width);
            return t;
        }
        finally
        {
            src.Release();
        }
    }

    public void Dispose()
    {
        var s = Interlocked.Exchange(ref _sources, null);
        if (s != null) ArrayPool<byte>.Shared.Return(s);
    }
}
