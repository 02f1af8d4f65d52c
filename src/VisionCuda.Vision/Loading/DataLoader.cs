using System.Collections.Concurrent;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Loading;

/// <summary>
/// Multithreaded classification loader with a bounded prefetch queue.
///
/// Determinism: an epoch's order comes from the sampler (a pure function of the epoch); batch b holds positions
/// [b*B, (b+1)*B) of that order; sample at position p is augmented with the Philox key (seed, epoch, p, Augment)
/// and mixup is keyed by (seed, epoch, b, Mixup). Nothing depends on which worker did what, so batches are bitwise
/// the same for any <see cref="DataLoaderOptions.Workers"/>, including 0 (synchronous), and on resume.
///
/// Threads (<see cref="PrefetchPipeline{TSlot, TBatch}"/>): workers claim sample positions in order from a shared
/// counter, may run at most <see cref="DataLoaderOptions.Prefetch"/> batches ahead of the consumer, and the worker
/// that completes a batch finishes it (drops skipped samples, applies mixup). The consumer receives batches strictly
/// in order.
///
/// Bad input: an <see cref="ImageDecodeException"/> skips that sample (the batch gets one fewer) and warns once per
/// file for the life of the loader; any other exception stops the epoch and is rethrown to the consumer.
/// </summary>
public sealed class DataLoader
{
    private readonly ConcurrentDictionary<int, string> _bad = new();
    private readonly ISampler _sampler;

    public IClassificationDataset Dataset { get; }
    public ISampleTransform Transform { get; }
    public DataLoaderOptions Options { get; }
    public BufferPool Pool { get; } = new();

    public DataLoader(IClassificationDataset dataset, ISampleTransform transform, DataLoaderOptions? options = null)
    {
        Dataset = dataset;
        Transform = transform;
        Options = options ?? new DataLoaderOptions();
        if (Options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), Options.BatchSize, "batch size must be positive");
        if (Options.Workers < 0) throw new ArgumentOutOfRangeException(nameof(options), Options.Workers, "workers must be >= 0");
        if (Options.Prefetch < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.Prefetch, "prefetch must be >= 1");
        _sampler = Options.Sampler ?? (Options.Shuffle ? new ShuffleSampler(dataset.Count, Options.Seed) : new SequentialSampler(dataset.Count));
    }

    public int SampleSize => Transform.Channels * Transform.Height * Transform.Width;

    /// <summary>Batches per epoch (before any skipped corrupt images).</summary>
    public int BatchCount => Options.DropLast ? _sampler.Length / Options.BatchSize : (_sampler.Length + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>Files skipped so far as undecodable (data set index to message).</summary>
    public IReadOnlyDictionary<int, string> SkippedSamples => _bad;

    /// <summary>The batches of one epoch, in order. Breaking out early or cancelling stops the workers.
    /// A batch whose samples were all skipped is not yielded.</summary>
    public IEnumerable<ClassificationBatch> Epoch(long epoch, CancellationToken cancellationToken = default)
    {
        int[] order = _sampler.Order(epoch);
        var pipeline = new PrefetchPipeline<Slot, ClassificationBatch>(
            createSlot: (b, count) => new Slot(b, count, SampleSize, Pool),
            processSample: (slot, k) => ProcessSample(slot, k, order, epoch),
            finish: slot => Finish(slot, order, epoch),
            abandon: slot => Pool.Return(slot.Images));
        foreach (var batch in pipeline.Run(order.Length, BatchCount, Options.BatchSize, Options.Workers, Options.Prefetch,
                     "visioncuda-loader", cancellationToken))
            yield return batch;
    }

    private void ProcessSample(Slot slot, int k, int[] order, long epoch)
    {
        int position = slot.Batch * Options.BatchSize + k;
        int index = order[position];
        if (_bad.ContainsKey(index)) { slot.Failed[k] = true; return; }
        try
        {
            using var image = Dataset.Load(index);
            Transform.Apply(image, epoch, position, slot.Images.AsSpan(k * SampleSize, SampleSize));
        }
        catch (ImageDecodeException e)
        {
            slot.Failed[k] = true;
            if (_bad.TryAdd(index, e.Message))
                (Options.Warn ?? (m => Console.Error.WriteLine(m)))($"WARNING: skipping sample {index}: {e.Message}");
        }
    }

    private ClassificationBatch? Finish(Slot slot, int[] order, long epoch)
    {
        int n = slot.Count, size = SampleSize;
        int ok = 0;
        for (int k = 0; k < n; k++) if (!slot.Failed[k]) ok++;
        if (ok == 0) { Pool.Return(slot.Images); return null; }
        float[] images = slot.Images;
        var labels = new int[ok];
        var indices = new int[ok];
        if (ok < n)
        {
            images = Pool.Rent(ok * size);
            for (int k = 0, j = 0; k < n; k++)
                if (!slot.Failed[k]) slot.Images.AsSpan(k * size, size).CopyTo(images.AsSpan(j++ * size, size));
            Pool.Return(slot.Images);
        }
        for (int k = 0, j = 0; k < n; k++)
        {
            if (slot.Failed[k]) continue;
            int index = order[slot.Batch * Options.BatchSize + k];
            indices[j] = index;
            labels[j++] = Dataset.GetLabel(index);
        }
        MixedTargets[]? mixed = null;
        if (Options.Mix is { Enabled: true } mix)
            mixed = mix.Apply(images, labels, Transform.Channels, Transform.Height, Transform.Width, epoch, slot.Batch);
        return new ClassificationBatch(images, labels, indices, mixed, Transform.Channels, Transform.Height, Transform.Width, epoch, slot.Batch, Pool);
    }

    /// <summary>A batch being assembled.</summary>
    private sealed class Slot(int batch, int count, int sampleSize, BufferPool pool)
    {
        public readonly int Batch = batch;
        public readonly int Count = count;
        public readonly float[] Images = pool.Rent(count * sampleSize);
        public readonly bool[] Failed = new bool[count];
    }
}
