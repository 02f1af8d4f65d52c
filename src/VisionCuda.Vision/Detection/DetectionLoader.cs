using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using OpenCvSharp;
using VisionCuda.Random;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// Multithreaded detection loader with a bounded prefetch queue (same threading as the classification
/// <see cref="DataLoader"/>).
///
/// Train (<see cref="DetectionLoaderOptions.Augment"/>): Ultralytics' v8 pipeline on the Cpu: with probability
/// mosaic a 4-image mosaic (2S canvas, centre in [S/2, 3S/2]) followed by random perspective with border -S/2, else
/// letterbox to S and random perspective; then mixup (probability mixup, a second sample through the same steps),
/// HSV, flipud, fliplr. Mosaic and mixup are off in the last close_mosaic epochs. Val: resize (longer side S, area
/// when shrinking) and letterbox without enlarging, to S x S or the batch's rect shape.
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
        int batches = BatchCount;
        if (Options.Workers == 0)
        {
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var slot = NewSlot(b, order.Length);
                for (int k = 0; k < slot.Count; k++) ProcessSample(slot, k, order, epoch);
                var batch = Finish(slot, order, epoch);
                if (batch != null) yield return batch;
            }
            yield break;
        }
        using var run = new EpochRun(this, order, epoch, batches, cancellationToken);
        for (int b = 0; b < batches; b++)
        {
            var batch = run.Take(b);
            if (batch != null) yield return batch;
        }
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

    /// <summary>The train pipeline up to (not including) mixup: mosaic or letterbox, then random perspective.</summary>
    private Mat PreTransform(int index, long epoch, ref RandomStream rng, List<PixelBox> boxes)
    {
        var o = Options.Augmentation;
        int s = Imgsz;
        bool mosaic = rng.NextFloat() < o.Mosaic && MosaicActive(epoch);
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
                using var canvas = DetectAugment.Mosaic4(parts.Select(p => p.Image).ToArray(), parts.Select(p => p.Boxes.ToList()).ToArray(), s, xc, yc, boxes);
                return DetectAugment.RandomPerspective(canvas, boxes, o, -s / 2, -s / 2, ref rng);
            }
            finally
            {
                foreach (var p in parts) if (p != null) Release(p);
            }
        }
        var r = LoadResized(index);
        try
        {
            var list = r.Boxes.ToList();
            using var boxed = DetectAugment.Letterbox(r.Image, s, s, list, out _, scaleup: true);
            boxes.AddRange(list);
            return DetectAugment.RandomPerspective(boxed, boxes, o, 0, 0, ref rng);
        }
        finally
        {
            Release(r);
        }
    }

    private Mat TrainSample(int index, long epoch, int position, List<PixelBox> boxes)
    {
        var o = Options.Augmentation;
        var rng = new RandomStream(Options.Seed, epoch, position, RandomPurpose.Augment);
        var img = PreTransform(index, epoch, ref rng, boxes);
        try
        {
            bool mix = rng.NextFloat() < o.Mixup && MosaicActive(epoch);
            int partner = rng.NextInt(Dataset.Count);
            double r = rng.Beta(32, 32);
            if (mix)
            {
                var rng2 = new RandomStream(Options.Seed, epoch, position, RandomPurpose.Mixup);
                var boxes2 = new List<PixelBox>();
                Mat img2;
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
                using (img2)
                {
                    DetectAugment.Blend(img, img2, r);
                    boxes.AddRange(boxes2);
                }
            }
            HsvAugment.Apply(img, o.HsvH, o.HsvS, o.HsvV, ref rng);
            if (rng.NextFloat() < o.Flipud) DetectAugment.FlipUD(img, boxes);
            if (rng.NextFloat() < o.Fliplr) DetectAugment.FlipLR(img, boxes);
            return img;
        }
        catch
        {
            img.Dispose();
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
            Mat img;
            ImageInfo info;
            if (Options.Augment)
            {
                img = TrainSample(index, epoch, position, boxes);
                var (w0, h0) = Dataset.ImageSize(index);
                info = new ImageInfo(Dataset.Describe(index), w0, h0, w0 > 0 ? (float)img.Cols / w0 : 1, h0 > 0 ? (float)img.Rows / h0 : 1, 0, 0);
            }
            else
            {
                img = ValSample(index, slot.Height, slot.Width, boxes, out info);
            }
            using (img)
            {
                if (img.Rows != slot.Height || img.Cols != slot.Width || img.Type() != MatType.CV_8UC3)
                    throw new InvalidOperationException($"augmented image is {img.Cols}x{img.Rows} {img.Type()}, expected {slot.Width}x{slot.Height} RGB");
                ChwConverter.ToChw(img, slot.Images.AsSpan(k * slot.SampleSize, slot.SampleSize), Normalization.None);
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

    private Slot NewSlot(int b, int total)
    {
        var (h, w) = BatchShape(b);
        return new Slot(b, Math.Min(Options.BatchSize, total - b * Options.BatchSize), h, w, Pool);
    }

    private DetectionBatch? Finish(Slot slot, int[] order, long epoch)
    {
        int n = slot.Count, size = slot.SampleSize;
        int ok = 0;
        for (int k = 0; k < n; k++) if (!slot.Failed[k]) ok++;
        if (ok == 0) { Pool.Return(slot.Images); return null; }
        float[] images = slot.Images;
        if (ok < n)
        {
            images = Pool.Rent(ok * size);
            for (int k = 0, j = 0; k < n; k++)
                if (!slot.Failed[k]) slot.Images.AsSpan(k * size, size).CopyTo(images.AsSpan(j++ * size, size));
            Pool.Return(slot.Images);
        }
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
        return new DetectionBatch(images, ok, slot.Height, slot.Width, t, indices, info, epoch, slot.Batch, Pool);
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
        public readonly float[] Images;
        public readonly bool[] Failed;
        public readonly YoloBox[]?[] Boxes;
        public readonly ImageInfo[] Info;
        public int Remaining;
        public bool Ready;
        public DetectionBatch? Result;

        public Slot(int batch, int count, int height, int width, BufferPool pool)
        {
            Batch = batch; Count = count; Height = height; Width = width; SampleSize = 3 * height * width;
            Images = pool.Rent(count * SampleSize);
            Failed = new bool[count];
            Boxes = new YoloBox[]?[count];
            Info = new ImageInfo[count];
            Remaining = count;
        }
    }

    /// <summary>The worker threads of one epoch and the hand-over to the consumer.</summary>
    private sealed class EpochRun : IDisposable
    {
        private readonly DetectionLoader _loader;
        private readonly int[] _order;
        private readonly long _epoch;
        private readonly Slot?[] _slots;
        private readonly Thread[] _threads;
        private readonly object _gate = new();
        private readonly CancellationToken _ct;
        private readonly CancellationTokenRegistration _registration;
        private readonly int _total;
        private int _next = -1;
        private int _taken;
        private bool _stopped;
        private ExceptionDispatchInfo? _error;

        public EpochRun(DetectionLoader loader, int[] order, long epoch, int batches, CancellationToken ct)
        {
            _loader = loader; _order = order; _epoch = epoch; _ct = ct;
            _slots = new Slot?[batches];
            _total = batches == 0 ? 0 : Math.Min(order.Length, batches * loader.Options.BatchSize);
            _registration = ct.Register(Stop);
            _threads = new Thread[loader.Options.Workers];
            for (int i = 0; i < _threads.Length; i++)
            {
                _threads[i] = new Thread(Work) { IsBackground = true, Name = $"visioncuda-detect-loader-{i}" };
                _threads[i].Start();
            }
        }

        private void Work()
        {
            int batchSize = _loader.Options.BatchSize, prefetch = _loader.Options.Prefetch;
            try
            {
                while (true)
                {
                    int s = Interlocked.Increment(ref _next);
                    if (s >= _total) return;
                    int b = s / batchSize;
                    Slot slot;
                    lock (_gate)
                    {
                        while (b >= _taken + prefetch && !_stopped) Monitor.Wait(_gate);
                        if (_stopped) return;
                        slot = _slots[b] ??= _loader.NewSlot(b, _order.Length);
                    }
                    _loader.ProcessSample(slot, s - b * batchSize, _order, _epoch);
                    if (Interlocked.Decrement(ref slot.Remaining) == 0)
                    {
                        var result = _loader.Finish(slot, _order, _epoch);
                        lock (_gate)
                        {
                            slot.Result = result;
                            slot.Ready = true;
                            Monitor.PulseAll(_gate);
                        }
                    }
                }
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _error ??= ExceptionDispatchInfo.Capture(e);
                    _stopped = true;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        public DetectionBatch? Take(int b)
        {
            lock (_gate)
            {
                while (true)
                {
                    _error?.Throw();
                    _ct.ThrowIfCancellationRequested();
                    if (_slots[b] is { Ready: true } slot)
                    {
                        _slots[b] = null;
                        _taken = b + 1;
                        Monitor.PulseAll(_gate);
                        return slot.Result;
                    }
                    Monitor.Wait(_gate);
                }
            }
        }

        private void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
                Monitor.PulseAll(_gate);
            }
        }

        public void Dispose()
        {
            Stop();
            foreach (var t in _threads) t.Join();
            _registration.Dispose();
            for (int b = 0; b < _slots.Length; b++)
            {
                if (_slots[b] is not { } slot) continue;
                if (slot.Ready) slot.Result?.Dispose();
                else _loader.Pool.Return(slot.Images);
                _slots[b] = null;
            }
        }
    }
}
