using VisionCuda.Backends;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// Where an image of a batch came from: network pixel = original pixel * Gain + Pad (Ultralytics' ratio_pad,
/// per axis). Val and predict map boxes back with <see cref="ToOriginal"/>.
/// </summary>
public readonly record struct ImageInfo(string Source, int OrigWidth, int OrigHeight, float GainX, float GainY, float PadX, float PadY)
{
    /// <summary>A network-pixel point back to original pixels (not clipped).</summary>
    public (float X, float Y) ToOriginal(float x, float y) => ((x - PadX) / GainX, (y - PadY) / GainY);

    /// <summary>A network-pixel box (x1, y1, x2, y2) back to original pixels, clipped to the original image.</summary>
    public (float X1, float Y1, float X2, float Y2) BoxToOriginal(float x1, float y1, float x2, float y2)
    {
        var (a, b) = ToOriginal(x1, y1);
        var (c, d) = ToOriginal(x2, y2);
        return (Math.Clamp(a, 0, OrigWidth), Math.Clamp(b, 0, OrigHeight), Math.Clamp(c, 0, OrigWidth), Math.Clamp(d, 0, OrigHeight));
    }
}

/// <summary>
/// One detection batch: images [Count, 3, Height, Width] RGB in 0..1 (contiguous NCHW floats), and targets as a
/// flat list of rows (batchIndex, cls, cx, cy, w, h) with coordinates normalised to Width/Height, the format
/// Ultralytics' loss takes. Count can be below the batch size for the last batch or when corrupt images were
/// skipped. Dispose returns the image buffer to the loader's pool; do not use <see cref="Images"/> afterwards.
/// Typical use: <c>Tensor.FromArray(batch.Images, batch.Shape)</c> and <c>Tensor.FromArray(batch.Targets, [batch.TargetCount, 6])</c>.
/// </summary>
public sealed class DetectionBatch : IDisposable
{
    private readonly BufferPool? _pool;
    private float[]? _images;

    internal DetectionBatch(float[]? images, int count, int height, int width, float[] targets, int[] indices, ImageInfo[] info,
        long epoch, int batchIndex, BufferPool? pool, AugmentBatchPlan? plan = null)
    {
        _images = images; Count = count; Height = height; Width = width; Targets = targets; Indices = indices; Info = info;
        Epoch = epoch; BatchIndex = batchIndex; _pool = pool; Plan = plan;
    }

    /// <summary>The finished float images; a batch built for the device (<see cref="Plan"/>) has none.</summary>
    public float[] Images => _images ?? throw (Plan != null
        ? new InvalidOperationException("this batch is augmented on the device: use ToTensor(backend)")
        : new ObjectDisposedException(nameof(DetectionBatch)));

    /// <summary>Set when the loader left the warp, blend, HSV, flips and float conversion to the backend
    /// (<see cref="DetectionLoaderOptions.DeviceAugment"/>).</summary>
    public AugmentBatchPlan? Plan { get; }

    /// <summary>The images [Count, 3, Height, Width] on <paramref name="backend"/>: uploaded as they are, or built there
    /// from the <see cref="Plan"/>.</summary>
    public Tensor ToTensor(IBackend backend) => Plan != null ? Plan.Materialize(backend) : Tensor.FromArray(Images, Shape, backend);
    public int Count { get; }
    public int Channels => 3;
    public int Height { get; }
    public int Width { get; }

    /// <summary>[Count, 3, Height, Width].</summary>
    public int[] Shape => [Count, 3, Height, Width];

    /// <summary>Flat [TargetCount, 6]: batchIndex, cls, cx, cy, w, h (normalised).</summary>
    public float[] Targets { get; }
    public int TargetCount => Targets.Length / 6;

    /// <summary>Data set index of each image.</summary>
    public int[] Indices { get; }

    /// <summary>Original size and letterbox mapping of each image.</summary>
    public ImageInfo[] Info { get; }

    public long Epoch { get; }
    public int BatchIndex { get; }

    /// <summary>The targets of image <paramref name="i"/> as normalised boxes.</summary>
    public List<YoloBox> TargetsOf(int i)
    {
        var r = new List<YoloBox>();
        for (int t = 0; t < TargetCount; t++)
            if ((int)Targets[6 * t] == i)
                r.Add(new YoloBox((int)Targets[6 * t + 1], Targets[6 * t + 2], Targets[6 * t + 3], Targets[6 * t + 4], Targets[6 * t + 5]));
        return r;
    }

    public void Dispose()
    {
        var images = Interlocked.Exchange(ref _images, null);
        if (images != null) _pool?.Return(images);
        Plan?.Dispose();
    }
}

/// <summary>Options of <see cref="DetectionLoader"/>.</summary>
public sealed record DetectionLoaderOptions
{
    public int BatchSize { get; init; } = 16;

    /// <summary>Decode/augment threads; 0 runs everything synchronously in the caller's thread.</summary>
    public int Workers { get; init; } = Math.Min(4, Environment.ProcessorCount);

    /// <summary>Batches prepared ahead of the consumer, at least 1.</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>A new Philox permutation each epoch (ignored with <see cref="Rect"/>).</summary>
    public bool Shuffle { get; init; }

    public bool DropLast { get; init; }

    /// <summary>Seed of the shuffle and of every augmentation draw.</summary>
    public ulong Seed { get; init; }

    /// <summary>Train-time augmentation (mosaic, perspective, mixup, HSV, flips); false = val: letterbox only.</summary>
    public bool Augment { get; init; }

    /// <summary>Hyper-parameters; <see cref="DetectAugmentOptions.Imgsz"/> is the output size S.</summary>
    public DetectAugmentOptions Augmentation { get; init; } = new();

    /// <summary>Total epochs of the run, for close_mosaic (epochs &gt;= Epochs - CloseMosaic have no mosaic/mixup).</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Rectangular batches (val): images sorted by aspect ratio, each batch padded to a multiple of
    /// <see cref="Stride"/> (Ultralytics' batch_shapes with <see cref="Pad"/>).</summary>
    public bool Rect { get; init; }

    public int Stride { get; init; } = 32;
    public float Pad { get; init; } = 0.5f;

    /// <summary>Train batches carry an <see cref="AugmentBatchPlan"/> instead of float images: the loader does the
    /// decoding, resizing, mosaic composition, all random draws and the boxes, and <see cref="DetectionBatch.ToTensor"/>
    /// runs the warp, mixup, HSV, flips and float conversion on the backend (bitwise the same images). Only with
    /// <see cref="Augment"/>.</summary>
    public bool DeviceAugment { get; init; }

    /// <summary>Keep resized images in memory (Ultralytics cache=ram).</summary>
    public bool CacheImages { get; init; }

    /// <summary>Where "skipped corrupt image" warnings go (once per file); default: standard error.</summary>
    public Action<string>? Warn { get; init; }
}
