using System.Runtime.ExceptionServices;

namespace VisionCuda.Vision.Loading;

/// <summary>
/// The epoch machinery shared by the classification <see cref="DataLoader"/> and the detection loader: it
/// schedules the samples of one epoch onto worker threads and hands the assembled batches to the consumer.
/// The loader supplies what a batch is (<typeparamref name="TSlot"/>, the batch under assembly, and
/// <typeparamref name="TBatch"/>, the finished batch) and the per-sample work through four callbacks; the
/// pipeline knows nothing about images, augmentation or collation.
///
/// Guarantees:
/// <list type="bullet">
/// <item><b>Determinism independent of the worker count.</b> Batch b covers sample positions
/// [b*batchSize, min((b+1)*batchSize, samples)). <c>processSample(slot, k)</c> is called exactly once for every
/// position in the slot, and <c>finish(slot)</c> exactly once after all of them have returned, on whichever thread
/// completed the last sample. Nothing the pipeline passes depends on which worker ran what, so a loader whose
/// callbacks are pure functions of (batch, position) produces the same batches for any worker count, including
/// 0 (everything runs synchronously on the consumer's thread, with no threads started).</item>
/// <item><b>Bounded prefetch.</b> Workers claim positions in increasing order from a shared counter and wait before
/// touching batch b while b &gt;= (batches taken by the consumer) + prefetch, so at most <c>prefetch</c> batches are
/// allocated (slots created) ahead of the consumer at any time.</item>
/// <item><b>Ordering.</b> The consumer receives the batches strictly in order 0, 1, 2, ...; a batch for which
/// <c>finish</c> returns null (say, every sample was skipped) is not yielded.</item>
/// <item><b>Error propagation.</b> The first exception thrown by a callback on a worker stops the epoch (all workers
/// return at their next claim) and is rethrown, with its original stack trace, to the consumer at its next take.
/// With 0 workers it propagates directly.</item>
/// <item><b>Cancellation and early exit.</b> The token is checked before each batch is taken; cancelling stops the
/// workers and makes the consumer throw <see cref="OperationCanceledException"/>. Disposing the enumerator (breaking
/// out early, or after an exception) stops and joins the workers, disposes batches that were finished but not taken,
/// and passes unfinished slots to <c>abandon</c> so their buffers can go back to the pool.</item>
/// </list>
/// </summary>
/// <param name="createSlot">(batch, sample count) to a new slot; called under the pipeline's lock, keep it cheap.</param>
/// <param name="processSample">(slot, k): the k-th sample of the slot; called concurrently for distinct k.</param>
/// <param name="finish">The finished batch of a fully processed slot, or null to skip it.</param>
/// <param name="abandon">Releases a slot that was never finished (the epoch stopped early).</param>
internal sealed class PrefetchPipeline<TSlot, TBatch>(
    Func<int, int, TSlot> createSlot,
    Action<TSlot, int> processSample,
    Func<TSlot, TBatch?> finish,
    Action<TSlot> abandon)
    where TSlot : class
    where TBatch : class, IDisposable
{
    private readonly Func<int, int, TSlot> _createSlot = createSlot;
    private readonly Action<TSlot, int> _processSample = processSample;
    private readonly Func<TSlot, TBatch?> _finish = finish;
    private readonly Action<TSlot> _abandon = abandon;

    /// <summary>The batches of one epoch of <paramref name="samples"/> positions split into
    /// <paramref name="batches"/> batches of <paramref name="batchSize"/> (the last may be partial; with
    /// batches * batchSize &lt; samples the tail is dropped). Lazy: nothing runs until the first MoveNext.</summary>
    public IEnumerable<TBatch> Run(int samples, int batches, int batchSize, int workers, int prefetch, string threadName,
        CancellationToken cancellationToken)
    {
        if (workers == 0)
        {
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batchSize, samples - b * batchSize);
                var slot = _createSlot(b, count);
                for (int k = 0; k < count; k++) _processSample(slot, k);
                var batch = _finish(slot);
                if (batch != null) yield return batch;
            }
            yield break;
        }

        using var run = new EpochRun(this, samples, batches, batchSize, workers, prefetch, threadName, cancellationToken);
        for (int b = 0; b < batches; b++)
        {
            var batch = run.Take(b);
            if (batch != null) yield return batch;
        }
    }

    /// <summary>A slot and its hand-over state.</summary>
    private sealed class Entry(TSlot slot, int count)
    {
        public readonly TSlot Slot = slot;
        public int Remaining = count;
        public bool Ready;
        public TBatch? Result;
    }

    /// <summary>The worker threads of one epoch and the hand-over to the consumer.</summary>
    private sealed class EpochRun : IDisposable
    {
        private readonly PrefetchPipeline<TSlot, TBatch> _pipeline;
        private readonly int _samples, _batchSize, _prefetch, _total;
        private readonly Entry?[] _entries;
        private readonly Thread[] _threads;
        private readonly object _gate = new();
        private readonly CancellationToken _ct;
        private readonly CancellationTokenRegistration _registration;
        private int _next = -1;
        private int _taken;
        private bool _stopped;
        private ExceptionDispatchInfo? _error;

        public EpochRun(PrefetchPipeline<TSlot, TBatch> pipeline, int samples, int batches, int batchSize, int workers,
            int prefetch, string threadName, CancellationToken ct)
        {
            _pipeline = pipeline; _samples = samples; _batchSize = batchSize; _prefetch = prefetch; _ct = ct;
            _entries = new Entry?[batches];
            _total = batches == 0 ? 0 : Math.Min(samples, batches * batchSize);
            _registration = ct.Register(Stop);
            _threads = new Thread[workers];
            for (int i = 0; i < _threads.Length; i++)
            {
                _threads[i] = new Thread(Work) { IsBackground = true, Name = $"{threadName}-{i}" };
                _threads[i].Start();
            }
        }

        private void Work()
        {
            try
            {
                while (true)
                {
                    int s = Interlocked.Increment(ref _next);
                    if (s >= _total) return;
                    int b = s / _batchSize;
                    Entry entry;
                    lock (_gate)
                    {
                        while (b >= _taken + _prefetch && !_stopped) Monitor.Wait(_gate);
                        if (_stopped) return;
                        entry = _entries[b] ??= NewEntry(b);
                    }
                    _pipeline._processSample(entry.Slot, s - b * _batchSize);
                    if (Interlocked.Decrement(ref entry.Remaining) == 0)
                    {
                        var result = _pipeline._finish(entry.Slot);
                        lock (_gate)
                        {
                            entry.Result = result;
                            entry.Ready = true;
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

        private Entry NewEntry(int b)
        {
            int count = Math.Min(_batchSize, _samples - b * _batchSize);
            return new Entry(_pipeline._createSlot(b, count), count);
        }

        public TBatch? Take(int b)
        {
            lock (_gate)
            {
                while (true)
                {
                    _error?.Throw();
                    _ct.ThrowIfCancellationRequested();
                    if (_entries[b] is { Ready: true } entry)
                    {
                        _entries[b] = null;
                        _taken = b + 1;
                        Monitor.PulseAll(_gate);
                        return entry.Result;
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
            for (int b = 0; b < _entries.Length; b++)
            {
                if (_entries[b] is not { } entry) continue;
                if (entry.Ready) entry.Result?.Dispose();
                else _pipeline._abandon(entry.Slot);
                _entries[b] = null;
            }
        }
    }
}
