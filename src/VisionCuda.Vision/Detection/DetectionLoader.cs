using System.Collections.Concurrent;
using OpenCvSharp;
using VisionCuda.Backends;
using VisionCuda.Random;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// Multithreaded detection loader with a bounded prefetch queue (the same <see cref="PrefetchPipeline{TSlot, TBatch}"/>
/// as the classification <see cref="DataLoader"/>).
///
/// Train (<see cref="DetectionLoaderOptions.Augment"/>): Ultralytics' v8 pipeline on the Cpu: with probability
/// mosaic a 4-image mosaic (2S canvas, centre in [S/2, 3S/2]) followed by random perspective with border -S/2, else
/// letterbox to S and random perspective; then mixup (probability mixup, a second sample through the same steps),
/// HSV, flipud, fliplr. Mosaic and mixup are off in the last close_mosaic epochs. Val: resize (longer side S, area
/// when shrinking) and letterbox without enlarging, to S x S or the batch's rect shape.
///
/// Each train sample is first a <see cref="SampleRecipe"/>: every draw made, boxes final, canvases composed, pixels
/// pending. The Cpu path renders it here (Warp, Blend, HsvAugment, flips, /255); with
/// <see cref="DetectionLoaderOptions.DeviceAugment"/> the batch instead carries an <see cref="AugmentBatchPlan"/> and the
/// backend's AugmentBatch renders it (same bytes), which takes the per-pixel work off the loader's threads.
///
/// Determinism: the epoch's order is a pure function of (seed, epoch); the sample at position p draws everything
/// (mosaic partners included) from Philox (seed, epoch, p, Augment), and the mixup partner's own pipeline from
/// (seed, epoch, p, Mixup). Batches are bitwise the same for any worker count, including 0.
///
/// Bad input: an image that fails to decode is skipped (the batch gets one fewer) and warned about once per file;
/// a mosaic or mixup partner that fails is replaced by the sample's own image. Other exceptions stop the epoch and
/// reach the consumer.
/// </summary>
public sealed class DetectionLoader
{
    private readonly ConcurrentDictionary<int, string> _bad = new();
    private readonly ConcurrentDictionary<int, Resized> _cache = new();
    private readonly ISampler _sampler;
    private readonly int[]? _rectOrder;
    private readonly (int H, int W)[]? _batchShapes;

    public IDetectionDataset Dataset { get; }
    public DetectionLoaderOptions Options { get; }
    public BufferPool Pool { get; } = new();
    public int Imgsz => Options.Augmentation.Imgsz;

    public DetectionLoader(IDetectionDataset dataset, DetectionLoaderOptions? options = null)
    {
        Dataset = dataset;
        Options = options ?? new DetectionLoaderOptions();
        if (Options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), Options.BatchSize, "batch size must be positive");
        if (Options.Workers < 0) throw new ArgumentOutOfRangeException(nameof(options), Options.Workers, "workers must be >= 0");
        if (Options.Prefetch < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.Prefetch, "prefetch must be >= 1");
        if (Imgsz < 32) throw new ArgumentOutOfRangeException(nameof(options), Imgsz, "imgsz must be at least 32");
        if (Options.Rect && !Options.Augment)
        {
            (_rectOrder, _batchShapes) = RectShapes();
            _sampler = new FixedSampler(_rectOrder);
        }
        else
        {
            _sampler = Options.Shuffle ? new ShuffleSampler(dataset.Count, Options.Seed) : new SequentialSampler(dataset.Count);
        }
    }

    /// <summary>Batches per epoch (before any skipped corrupt images).</summary>
    public int BatchCount => Options.DropLast ? _sampler.Length / Options.BatchSize : (_sampler.Length + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>Images skipped so far as undecodable (data set index to message).</summary>
    public IReadOnlyDictionary<int, string> SkippedSamples => _bad;

    /// <summary>Whether epoch <paramref name="epoch"/> (0-based) uses mosaic and mixup (close_mosaic).
    /// Like Ultralytics, mosaic closes at epoch (Epochs - CloseMosaic) and stays closed; when that epoch is negative
    /// (fewer epochs than close_mosaic) it never closes.</summary>
    public bool MosaicActive(long epoch)
    {
        int close = Options.Epochs - Options.Augmentation.CloseMosaic;
        return Options.Augment && (Options.Augmentation.CloseMosaic <= 0 || close < 0 || epoch < close);
    }

    /// <summary>Output (height, width) of batch <paramref name="batch"/>: S x S, or its rect shape.</summary>
    public (int Height, int Width) BatchShape(int batch) => _batchShapes != null ? _batchShapes[batch] : (Imgsz, Imgsz);

    /// <summary>The batches of one epoch, in order. Breaking out early or cancelling stops the workers.</summary>
    public IEnumerable<DetectionBatch> Epoch(long epoch, CancellationToken cancellationToken = default)
    {
        int[] order = _sampler.Order(epoch);
        var pipeline = new PrefetchPipeline<Slot, DetectionBatch>(
            createSlot: NewSlot,
            processSample: (slot, k) => ProcessSample(slot, k, order, epoch),
            finish: slot => Finish(slot, order, epoch),
            abandon: Abandon);
        foreach (var batch in pipeline.Run(order.Length, BatchCount, Options.BatchSize, Options.Workers, Options.Prefetch,
                     "visioncuda-detect-loader", cancellationToken))
            yield return batch;
    }

    // ---------------------------------------------------------------- per-sample pipeline

    /// <summary>A resized image (longer side S) and its boxes in its pixels, plus the original size.</summary>
    private sealed record Resized(Mat Image, PixelBox[] Boxes, int OrigW, int OrigH);

    private Resized LoadResized(int index)
    {
        if (Options.CacheImages && _cache.TryGetValue(index, out var hit)) return hit;
        using var original = Dataset.Load(index);
        var img = DetectAugment.ResizeLongSide(original, Imgsz, Options.Augment);
        var boxes = Dataset.GetLabels(index).Select(b => b.ToPixels(img.Cols, img.Rows)).ToArray();
        var r = new Resized(img, boxes, original.Cols, original.Rows);
        if (Options.CacheImages)
        {
            var stored = _cache.GetOrAdd(index, r);
            if (!ReferenceEquals(stored, r)) img.Dispose();
            return stored;
        }
        return r;
    }

    private void Release(Resized r)
    {
        if (!Options.CacheImages) r.Image.Dispose();
    }

    /// <summary>Loads a partner image; a decode failure substitutes <paramref name="fallback"/> (deterministic).</summary>
    private Resized LoadPartner(int index, int fallback)
    {
        try
        {
            return LoadResized(index);
        }
        catch (ImageDecodeException e)
        {
            NoteBad(index, e);
            return LoadResized(fallback);
        }
    }

    private void NoteBad(int index, ImageDecodeException e)
    {
        if (_bad.TryAdd(index, e.Message))
            (Options.Warn ?? (m => Console.Error.WriteLine(m)))($"WARNING skipping image {Dataset.Describe(index)}: {e.Message}");
    }

    /// <summary>The train pipeline up to (not including) mixup: mosaic or letterbox, then the draws of random
    /// perspective; the boxes are mapped, the image warp is left pending.</summary>
    private PendingWarp PreTransform(int index, long epoch, ref RandomStream rng, List<PixelBox> boxes)
    {
        var o = Options.Augmentation;
        int s = Imgsz;
        bool mosaic = rng.NextFloat() < o.Mosaic && MosaicActive(epoch);
        Mat canvas;
        int border;
        if (mosaic)
        {
            int xc = (int)rng.Uniform((double)(s / 2), 2.0 * s - s / 2);
            int yc = (int)rng.Uniform((double)(s / 2), 2.0 * s - s / 2);
            Span<int> partners = [rng.NextInt(Dataset.Count), rng.NextInt(Dataset.Count), rng.NextInt(Dataset.Count)];
            var parts = new Resized[4];
            try
            {
                parts[0] = LoadResized(index);
                for (int i = 1; i < 4; i++) parts[i] = LoadPartner(partners[i - 1], index);
                canvas = DetectAugment.Mosaic4(parts.Select(p => p.Image).ToArray(), parts.Select(p => p.Boxes.ToList()).ToArray(), s, xc, yc, boxes);
            }
            finally
            {
                foreach (var p in parts) if (p != null) Release(p);
            }
            border = -s / 2;
        }
        else
        {
            var r = LoadResized(index);
            try
            {
                var list = r.Boxes.ToList();
                canvas = DetectAugment.Letterbox(r.Image, s, s, list, out _, scaleup: true);
                boxes.AddRange(list);
            }
            finally
            {
                Release(r);
            }
            border = 0;
        }
        try
        {
            // DetectAugment.RandomPerspective, split into its draws + boxes (here) and its image warp (pending).
            int outW = canvas.Cols + 2 * border, outH = canvas.Rows + 2 * border;
            var m = DetectAugment.PerspectiveMatrix(canvas.Cols, canvas.Rows, outW, outH, o, ref rng, out double scale);
            DetectAugment.TransformBoxes(boxes, m, scale, outW, outH, o.Perspective != 0);
            return new PendingWarp(canvas, m, o.Perspective != 0, outW, outH);
        }
        catch
        {
            canvas.Dispose();
            throw;
        }
    }

    /// <summary>Every draw of one training sample (mosaic/letterbox, perspective, mixup, HSV, flips) and its final
    /// boxes; the pixels are left to <see cref="SampleRecipe.Render"/> (Cpu) or the backend (device plans).</summary>
    private SampleRecipe TrainSample(int index, long epoch, int position, List<PixelBox> boxes)
    {
        var o = Options.Augmentation;
        var rng = new RandomStream(Options.Seed, epoch, position, RandomPurpose.Augment);
        var img = PreTransform(index, epoch, ref rng, boxes);
        PendingWarp? img2 = null;
        try
        {
            bool mix = rng.NextFloat() < o.Mixup && MosaicActive(epoch);
            int partner = rng.NextInt(Dataset.Count);
            double r = rng.Beta(32, 32);
            if (mix)
            {
                var rng2 = new RandomStream(Options.Seed, epoch, position, RandomPurpose.Mixup);
                var boxes2 = new List<PixelBox>();
                try
                {
                    img2 = PreTransform(partner, epoch, ref rng2, boxes2);
                }
                catch (ImageDecodeException e)
                {
                    NoteBad(partner, e);
                    rng2 = new RandomStream(Options.Seed, epoch, position, RandomPurpose.Mixup);
                    boxes2.Clear();
                    img2 = PreTransform(index, epoch, ref rng2, boxes2);
                }
                boxes.AddRange(boxes2);
            }
            var (rh, rs, rv) = HsvAugment.DrawGains(o.HsvH, o.HsvS, o.HsvV, ref rng);
            bool hsv = !(o.HsvH == 0 && o.HsvS == 0 && o.HsvV == 0);
            bool flipUD = rng.NextFloat() < o.Flipud;
            if (flipUD) DetectAugment.FlipBoxesUD(boxes, img.OutHeight);
            bool flipLR = rng.NextFloat() < o.Fliplr;
            if (flipLR) DetectAugment.FlipBoxesLR(boxes, img.OutWidth);
            return new SampleRecipe(img, img2, r, hsv, rh, rs, rv, flipUD, flipLR);
        }
        catch
        {
            img.Dispose();
            img2?.Dispose();
            throw;
        }
    }

    private Mat ValSample(int index, int height, int width, List<PixelBox> boxes, out ImageInfo info)
    {
        var r = LoadResized(index);
        try
        {
            var list = r.Boxes.ToList();
            var img = DetectAugment.Letterbox(r.Image, height, width, list, out var lb, scaleup: false);
            boxes.AddRange(list);
            float gx = (float)r.Image.Cols / r.OrigW * lb.RatioX, gy = (float)r.Image.Rows / r.OrigH * lb.RatioY;
            info = new ImageInfo(Dataset.Describe(index), r.OrigW, r.OrigH, gx, gy, lb.PadLeft, lb.PadTop);
            return img;
        }
        finally
        {
            Release(r);
        }
    }

    private void ProcessSample(Slot slot, int k, int[] order, long epoch)
    {
        int position = slot.Batch * Options.BatchSize + k;
        int index = order[position];
        if (_bad.ContainsKey(index)) { slot.Failed[k] = true; return; }
        var boxes = new List<PixelBox>();
        try
        {
            Mat? img = null;
            ImageInfo info;
            if (Options.Augment)
            {
                var recipe = TrainSample(index, epoch, position, boxes);
                if (recipe.Width != slot.Width || recipe.Height != slot.Height)
                {
                    recipe.Dispose();
                    throw new InvalidOperationException($"augmented image is {recipe.Width}x{recipe.Height}, expected {slot.Width}x{slot.Height}");
                }
                var (w0, h0) = Dataset.ImageSize(index);
                info = new ImageInfo(Dataset.Describe(index), w0, h0, w0 > 0 ? (float)recipe.Width / w0 : 1, h0 > 0 ? (float)recipe.Height / h0 : 1, 0, 0);
                if (slot.Recipes != null) slot.Recipes[k] = recipe;
                else using (recipe) img = recipe.Render();
            }
            else
            {
                img = ValSample(index, slot.Height, slot.Width, boxes, out info);
            }
            if (img != null)
                using (img)
                {
                    if (img.Rows != slot.Height || img.Cols != slot.Width || img.Type() != MatType.CV_8UC3)
                        throw new InvalidOperationException($"augmented image is {img.Cols}x{img.Rows} {img.Type()}, expected {slot.Width}x{slot.Height} RGB");
                    ChwConverter.ToChw(img, slot.Images!.AsSpan(k * slot.SampleSize, slot.SampleSize), Normalization.None);
                }
            var yolo = new YoloBox[boxes.Count];
            for (int i = 0; i < yolo.Length; i++) yolo[i] = boxes[i].ToYolo(slot.Width, slot.Height);
            slot.Boxes[k] = yolo;
            slot.Info[k] = info;
        }
        catch (ImageDecodeException e)
        {
            slot.Failed[k] = true;
            NoteBad(index, e);
        }
    }

    // ---------------------------------------------------------------- batches

    /// <summary>Whether this loader hands out <see cref="AugmentBatchPlan"/>s (train batches for the device).</summary>
    private bool Planned => Options.DeviceAugment && Options.Augment;

    private Slot NewSlot(int b, int count)
    {
        var (h, w) = BatchShape(b);
        return new Slot(b, count, h, w, Pool, Planned);
    }

    private void Abandon(Slot slot)
    {
        Pool.Return(slot.Images);
        if (slot.Recipes != null) foreach (var r in slot.Recipes) r?.Dispose();
    }

    /// <summary>The images of a batch: the finished floats (Cpu path), or the plan the backend finishes.</summary>
    private (float[]? Images, AugmentBatchPlan? Plan) CollectImages(Slot slot, int ok)
    {
        int n = slot.Count, size = slot.SampleSize;
        if (slot.Recipes != null)
        {
            long bytes = 0;
            for (int k = 0; k < n; k++) if (!slot.Failed[k]) bytes += slot.Recipes[k]!.Bytes;
            if (bytes > Array.MaxLength) throw new InvalidOperationException($"a batch of {bytes} source bytes is too large for one plan; lower the batch size");
            var sources = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Max(1, bytes));
            var rows = new AugmentImage[ok];
            long offset = 0;
            for (int k = 0, j = 0; k < n; k++)
            {
                if (slot.Failed[k]) continue;
                var recipe = slot.Recipes[k]!;
                rows[j++] = recipe.Describe(sources, offset);
                offset += recipe.Bytes;
                recipe.Dispose();
                slot.Recipes[k] = null;
            }
            return (null, new AugmentBatchPlan(sources, bytes, rows, slot.Height, slot.Width));
        }
        float[] images = slot.Images!;
        if (ok < n)
        {
            images = Pool.Rent(ok * size);
            for (int k = 0, j = 0; k < n; k++)
                if (!slot.Failed[k]) slot.Images!.AsSpan(k * size, size).CopyTo(images.AsSpan(j++ * size, size));
            Pool.Return(slot.Images);
        }
        return (images, null);
    }

    private DetectionBatch? Finish(Slot slot, int[] order, long epoch)
    {
        int n = slot.Count;
        int ok = 0;
        for (int k = 0; k < n; k++) if (!slot.Failed[k]) ok++;
        if (ok == 0) { Abandon(slot); return null; }
        var (images, plan) = CollectImages(slot, ok);
        var indices = new int[ok];
        var info = new ImageInfo[ok];
        int targets = 0;
        for (int k = 0; k < n; k++) if (!slot.Failed[k]) targets += slot.Boxes[k]!.Length;
        var t = new float[targets * 6];
        for (int k = 0, j = 0, row = 0; k < n; k++)
        {
            if (slot.Failed[k]) continue;
            indices[j] = order[slot.Batch * Options.BatchSize + k];
            info[j] = slot.Info[k];
            foreach (var b in slot.Boxes[k]!)
            {
                t[row * 6] = j; t[row * 6 + 1] = b.Cls; t[row * 6 + 2] = b.Cx; t[row * 6 + 3] = b.Cy; t[row * 6 + 4] = b.W; t[row * 6 + 5] = b.H;
                row++;
            }
            j++;
        }
        return new DetectionBatch(images, ok, slot.Height, slot.Width, t, indices, info, epoch, slot.Batch, Pool, plan);
    }

    /// <summary>Ultralytics' set_rectangle: sort by aspect ratio h/w, per batch shape = ceil(shape * S / stride + pad) * stride.</summary>
    private (int[] Order, (int H, int W)[] Shapes) RectShapes()
    {
        int n = Dataset.Count, bs = Options.BatchSize;
        var ar = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (w, h) = Dataset.ImageSize(i);
            ar[i] = w > 0 && h > 0 ? (double)h / w : 1;
        }
        int[] order = Enumerable.Range(0, n).OrderBy(i => ar[i]).ThenBy(i => i).ToArray();
        int nb = (n + bs - 1) / bs;
        var shapes = new (int, int)[nb];
        for (int b = 0; b < nb; b++)
        {
            double mini = double.MaxValue, maxi = double.MinValue;
            for (int k = b * bs; k < Math.Min(n, (b + 1) * bs); k++) { mini = Math.Min(mini, ar[order[k]]); maxi = Math.Max(maxi, ar[order[k]]); }
            double sh = 1, sw = 1;
            if (maxi < 1) sh = maxi;
            else if (mini > 1) sw = 1 / mini;
            int stride = Options.Stride;
            shapes[b] = ((int)Math.Ceiling(sh * Imgsz / stride + Options.Pad) * stride, (int)Math.Ceiling(sw * Imgsz / stride + Options.Pad) * stride);
        }
        return (order, shapes);
    }

    private sealed class FixedSampler(int[] order) : ISampler
    {
        public int Length => order.Length;
        public int[] Order(long epoch) => (int[])order.Clone();
    }

    /// <summary>A batch being assembled.</summary>
    private sealed class Slot
    {
        public readonly int Batch, Count, Height, Width, SampleSize;
        public readonly float[]? Images;
        public readonly SampleRecipe?[]? Recipes;
        public readonly bool[] Failed;
        public readonly YoloBox[]?[] Boxes;
        public readonly ImageInfo[] Info;

        /// <summary>A planned slot keeps each sample's recipe instead of rendering it into float images.</summary>
        public Slot(int batch, int count, int height, int width, BufferPool pool, bool planned)
        {
            Batch = batch; Count = count; Height = height; Width = width; SampleSize = 3 * height * width;
            if (planned) Recipes = new SampleRecipe?[count];
            else Images = pool.Rent(count * SampleSize);
            Failed = new bool[count];
            Boxes = new YoloBox[]?[count];
            Info = new ImageInfo[count];
        }
    }
}
