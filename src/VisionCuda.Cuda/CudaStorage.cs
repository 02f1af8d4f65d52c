using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>Device memory of the Cuda backend: a block from its <see cref="CudaAllocator"/>, returned there when released.</summary>
public sealed class CudaStorage : Storage
{
    private readonly CudaAllocator _allocator;
    private readonly long _bucket;
    private int _returned;

    internal CudaStorage(CudaBackend backend, CudaAllocator allocator, long count, DType dtype)
        : base(backend, count, dtype)
    {
        _allocator = allocator;
        Address = allocator.Rent(Math.Max(count * dtype.SizeInBytes(), 4), out _bucket);
    }

    public ulong Address { get; }

    public DevPtr Ptr => new(Address);

    /// <summary>Address of element <paramref name="elementOffset"/> (4-byte elements).</summary>
    public DevPtr At(long elementOffset) => new(Address + (ulong)(elementOffset * 4));

    protected override void ReturnToPool()
    {
        if (Interlocked.Exchange(ref _returned, 1) != 0) return;
        GC.SuppressFinalize(this);
        _allocator.Return(Address, _bucket);
    }

    ~CudaStorage()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0) _allocator.Return(Address, _bucket);
    }
}
