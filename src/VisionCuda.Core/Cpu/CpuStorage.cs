using System.Runtime.InteropServices;
using VisionCuda.Backends;

namespace VisionCuda.Cpu;

/// <summary>
/// Host memory for the Cpu backend: 64-byte aligned native memory (so Vector256 loads never split cache lines),
/// handed out and taken back by <see cref="CpuMemoryPool"/>. A finalizer returns the block if a tensor was never
/// disposed, so forgetting a dispose costs reuse, not memory.
/// </summary>
public sealed unsafe class CpuStorage : Storage
{
    private readonly CpuMemoryPool _pool;
    private int _returned;

    internal CpuStorage(CpuBackend backend, CpuMemoryPool pool, CpuMemoryPool.Block block, long count, DType dtype)
        : base(backend, count, dtype)
    {
        _pool = pool;
        Block = block;
    }

    internal CpuMemoryPool.Block Block { get; }

    public void* Pointer => Block.Pointer;

    public float* FloatPointer => (float*)Block.Pointer;

    public int* IntPointer => (int*)Block.Pointer;

    public Span<float> AsFloats() => new(Block.Pointer, checked((int)Count));

    public Span<int> AsInts() => new(Block.Pointer, checked((int)Count));

    public Span<T> AsSpan<T>() where T : unmanaged => new(Block.Pointer, checked((int)(Bytes / sizeof(T))));

    protected override void ReturnToPool()
    {
        if (Interlocked.Exchange(ref _returned, 1) != 0) return;
        GC.SuppressFinalize(this);
        _pool.Return(Block);
    }

    ~CpuStorage()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0) _pool.Return(Block);
    }
}

/// <summary>
/// Exact-size free lists of aligned native blocks. Training repeats the same shapes every step, so exact sizes
/// give near-100% reuse without the waste of power-of-two buckets. Memory held by the pool is capped; blocks
/// returned beyond the cap are freed.
/// </summary>
public sealed unsafe class CpuMemoryPool
{
    private readonly Dictionary<long, Stack<Block>> _free = new();
    private readonly object _gate = new();
    private long _pooledBytes;

    public CpuMemoryPool(long maxPooledBytes = 4L << 30) => MaxPooledBytes = maxPooledBytes;

    public long MaxPooledBytes { get; }

    public long PooledBytes => Interlocked.Read(ref _pooledBytes);

    /// <summary>Number of fresh native allocations so far (tests use it to prove a step reuses buffers).</summary>
    public long FreshAllocations { get; private set; }

    public sealed class Block
    {
        public Block(void* pointer, long bytes)
        {
            Pointer = pointer;
            Bytes = bytes;
        }

        public void* Pointer { get; }

        public long Bytes { get; }
    }

    public Block Rent(long bytes)
    {
        bytes = Math.Max(bytes, 4);
        lock (_gate)
        {
            if (_free.TryGetValue(bytes, out var stack) && stack.Count > 0)
            {
                _pooledBytes -= bytes;
                return stack.Pop();
            }
            FreshAllocations++;
        }
        return new Block(NativeMemory.AlignedAlloc((nuint)bytes, 64), bytes);
    }

    public void Return(Block block)
    {
        lock (_gate)
        {
            if (_pooledBytes + block.Bytes <= MaxPooledBytes)
            {
                if (!_free.TryGetValue(block.Bytes, out var stack)) _free[block.Bytes] = stack = new Stack<Block>();
                stack.Push(block);
                _pooledBytes += block.Bytes;
                return;
            }
        }
        NativeMemory.AlignedFree(block.Pointer);
    }

    /// <summary>Frees every pooled block.</summary>
    public void Trim()
    {
        lock (_gate)
        {
            foreach (var stack in _free.Values)
                while (stack.Count > 0) NativeMemory.AlignedFree(stack.Pop().Pointer);
            _free.Clear();
            _pooledBytes = 0;
        }
    }
}
