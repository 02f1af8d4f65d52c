namespace VisionCuda.Backends;

/// <summary>
/// A block of device memory owned by a backend. Storage is reference counted because views
/// (reshape, flatten) share it; when the last reference goes, the block returns to its backend's pool,
/// so that a training step that repeats the same shapes reuses buffers instead of allocating.
/// </summary>
public abstract class Storage
{
    private int _refs = 1;

    protected Storage(IBackend backend, long count, DType dtype)
    {
        Backend = backend;
        Count = count;
        DType = dtype;
    }

    public IBackend Backend { get; }

    /// <summary>Number of elements (not bytes).</summary>
    public long Count { get; }

    public DType DType { get; }

    public long Bytes => Count * DType.SizeInBytes();

    public bool IsReleased => Volatile.Read(ref _refs) <= 0;

    public void AddRef()
    {
        if (Interlocked.Increment(ref _refs) <= 1)
            throw new ObjectDisposedException(nameof(Storage), "storage was already released");
    }

    public void Release()
    {
        int left = Interlocked.Decrement(ref _refs);
        if (left == 0) ReturnToPool();
        else if (left < 0) throw new ObjectDisposedException(nameof(Storage), "storage released twice");
    }

    /// <summary>Gives the memory back to the backend (pool or free).</summary>
    protected abstract void ReturnToPool();
}
