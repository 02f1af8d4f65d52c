using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
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
/// Threads: workers claim sample positions in order from a shared counter, may run at most
/// <see cref="DataLoaderOptions.Prefetch"/> batches ahead of the consumer, and the worker that completes a batch
/// finishes it (drops skipped samples, applies mixup). The consumer receives batches strictly in order.
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
        int batches = BatchCount;
        if (Options.Workers == 0)
        {
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var slot = new Slot(b, Positions(b, order.Length), SampleSize, Pool);
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

    private int Positions(int b, int total) => Math.Min(Options.BatchSize, total - b * Options.BatchSize);

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
        public int Remaining = count;
        public bool Ready;
        public ClassificationBatch? Result;
    }

    /// <summary>The worker threads of one epoch and the hand-over to the consumer.</summary>
    private sealed class EpochRun : IDisposable
    {
        private readonly DataLoader _loader;
        private readonly int[] _order;
        private readonly long _epoch;
        private readonly Slot?[] _slots;
        private readonly Thread[] _threads;
        private readonly object _gate = new();
        private readonly CancellationToken _ct;
        private readonly CancellationTokenRegistration _registration;
        private int _next = -1;
        private int _taken;
        private bool _stopped;
        private ExceptionDispatchInfo? _error;

        public EpochRun(DataLoader loader, int[] order, long epoch, int batches, CancellationToken ct)
        {
            _loader = loader; _order = order; _epoch = epoch; _ct = ct;
            _slots = new Slot?[batches];
            _registration = ct.Register(Stop);
            _threads = new Thread[loader.Options.Workers];
            for (int i = 0; i < _threads.Length; i++)
            {
                _threads[i] = new Thread(Work) { IsBackground = true, Name = $"visioncuda-loader-{i}" };
                _threads[i].Start();
            }
        }

        private int Total => _slots.Length == 0 ? 0 : (_slots.Length - 1) * _loader.Options.BatchSize + _loader.Positions(_slots.Length - 1, _order.Length);

        private void Work()
        {
            int total = Total, batchSize = _loader.Options.BatchSize, prefetch = _loader.Options.Prefetch;
            try
            {
                while (true)
                {
                    int s = Interlocked.Increment(ref _next);
                    if (s >= total) return;
                    int b = s / batchSize;
                    Slot slot;
                    lock (_gate)
                    {
                        while (b >= _taken + prefetch && !_stopped) Monitor.Wait(_gate);
                        if (_stopped) return;
                        slot = _slots[b] ??= new Slot(b, _loader.Positions(b, _order.Length), _loader.SampleSize, _loader.Pool);
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

        public ClassificationBatch? Take(int b)
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
