using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;

namespace VisionCuda.Ilgpu;

/// <summary>
/// Device memory for the Ilgpu backend: one byte buffer per storage, viewed as float or int by the kernels
/// (<see cref="F"/>, <see cref="I"/>). Buffers come from and go back to <see cref="IlgpuMemoryPool"/>; a finalizer
/// returns the block if a tensor was never disposed, so a forgotten dispose costs reuse, not device memory.
/// </summary>
public sealed class IlgpuStorage : Storage
{
    private readonly IlgpuMemoryPool _pool;
    private int _returned;

    internal IlgpuStorage(IlgpuBackend backend, IlgpuMemoryPool pool, MemoryBuffer1D<byte, Stride1D.Dense> buffer, long count, DType dtype)
        : base(backend, count, dtype)
    {
        _pool = pool;
        Buffer = buffer;
    }

    internal MemoryBuffer1D<byte, Stride1D.Dense> Buffer { get; }

    /// <summary>The whole storage as float32 elements (Count of them; at least one, so empty storages still bind).</summary>
    public ArrayView<float> F => Buffer.View.AsContiguous().Cast<float>().SubView(0, Math.Max(1, Count));

    /// <summary>The whole storage as Int32 elements.</summary>
    public ArrayView<int> I => Buffer.View.AsContiguous().Cast<int>().SubView(0, Math.Max(1, Count));

    internal ArrayView<T> As<T>() where T : unmanaged => Buffer.View.AsContiguous().Cast<T>();

    protected override void ReturnToPool()
    {
        if (Interlocked.Exchange(ref _returned, 1) != 0) return;
        GC.SuppressFinalize(this);
        _pool.Return(Buffer);
    }

    ~IlgpuStorage()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0) _pool.Return(Buffer);
    }
}

/// <summary>
/// Exact-size free lists of device buffers, as <c>CpuMemoryPool</c> does for host memory: a training step repeats
/// the same shapes, so exact sizes give near-full reuse. Memory held by the pool is capped; beyond it buffers are freed.
/// </summary>
public sealed class IlgpuMemoryPool
{
    private readonly Accelerator _accelerator;
    private readonly Dictionary<long, Stack<MemoryBuffer1D<byte, Stride1D.Dense>>> _free = new();

    // Every buffer the pool has handed out stays referenced here: a storage that is never disposed becomes
    // unreachable together with its buffer, and ILGPU's own finalizer on the buffer would otherwise free the memory
    // before (or while) the storage's finalizer hands it back to the pool.
    private readonly HashSet<MemoryBuffer1D<byte, Stride1D.Dense>> _live = new(ReferenceEqualityComparer.Instance);
    private readonly object _gate = new();
    private long _pooledBytes;
    private bool _disposed;

    public IlgpuMemoryPool(Accelerator accelerator, long maxPooledBytes = 2L << 30)
    {
        _accelerator = accelerator;
        MaxPooledBytes = maxPooledBytes;
    }

    public long MaxPooledBytes { get; }

    public long PooledBytes => Interlocked.Read(ref _pooledBytes);

    /// <summary>Number of fresh device allocations so far (tests use it to prove reuse).</summary>
    public long FreshAllocations { get; private set; }

    public MemoryBuffer1D<byte, Stride1D.Dense> Rent(long bytes)
    {
        // Rounded up to 4 bytes (one float) so that Cast<float>/Cast<int> views are always valid.
        bytes = Math.Max(4, (bytes + 3) & ~3L);
        lock (_gate)
        {
            if (_free.TryGetValue(bytes, out var stack) && stack.Count > 0)
            {
                _pooledBytes -= bytes;
                return stack.Pop();
            }
            FreshAllocations++;
            var buffer = _accelerator.Allocate1D<byte>(bytes);
            _live.Add(buffer);
            return buffer;
        }
    }

    public void Return(MemoryBuffer1D<byte, Stride1D.Dense> buffer)
    {
        lock (_gate)
        {
            if (_disposed) return; // the accelerator (and with it every buffer) is already gone
            long bytes = buffer.Length;
            if (_pooledBytes + bytes <= MaxPooledBytes)
            {
                if (!_free.TryGetValue(bytes, out var stack)) _free[bytes] = stack = new();
                stack.Push(buffer);
                _pooledBytes += bytes;
                return;
            }
            _live.Remove(buffer);
            buffer.Dispose();
        }
    }

    /// <summary>Frees every pooled buffer.</summary>
    public void Trim()
    {
        lock (_gate)
        {
            foreach (var stack in _free.Values)
                while (stack.Count > 0)
                {
                    var buffer = stack.Pop();
                    _live.Remove(buffer);
                    buffer.Dispose();
                }
            _free.Clear();
            _pooledBytes = 0;
        }
    }

    internal void Close()
    {
        lock (_gate)
        {
            Trim();
            _live.Clear();
            _disposed = true;
        }
    }
}
