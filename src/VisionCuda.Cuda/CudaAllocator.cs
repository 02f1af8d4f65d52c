using VisionCuda.Cuda.Interop;

namespace VisionCuda.Cuda;

/// <summary>
/// Caching device allocator. Sizes are rounded up to a bucket (512-byte steps below 1 MiB, then 8 buckets per power
/// of two, at most 12.5% waste); freed blocks go to a per-bucket free list and are reused by the next request of
/// that bucket, so a training step that repeats shapes stops calling cuMemAlloc after the first step.
/// Blocks are reused in stream order: the backend uses one stream, so a kernel that still reads a freed block runs
/// before any kernel that writes its next owner. On out-of-memory the cache is released and the allocation retried.
/// </summary>
public sealed unsafe class CudaAllocator
{
    private readonly DriverApi _api;
    private readonly Dictionary<long, Stack<ulong>> _free = new();
    private readonly object _gate = new();

    internal CudaAllocator(DriverApi api) => _api = api;

    /// <summary>Number of cuMemAlloc calls so far (tests use it to prove reuse).</summary>
    public long FreshAllocations { get; private set; }

    public long CachedBytes { get; private set; }

    public long AllocatedBytes { get; private set; }

    public static long Bucket(long bytes)
    {
        if (bytes <= 0) return 512;
        if (bytes <= 1 << 20) return (bytes + 511) & ~511L;
        int log = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(bytes - 1));
        long step = 1L << (log - 3);
        return (bytes + step - 1) / step * step;
    }

    public ulong Rent(long bytes, out long bucket)
    {
        bucket = Bucket(bytes);
        lock (_gate)
        {
            if (_free.TryGetValue(bucket, out var s) && s.Count > 0)
            {
                CachedBytes -= bucket;
                return s.Pop();
            }
        }
        ulong p;
        int rc = _api.cuMemAlloc(&p, (nuint)bucket);
        if (rc == 2)
        {
            Trim();
            rc = _api.cuMemAlloc(&p, (nuint)bucket);
        }
        if (rc != 0)
            throw new CudaException(rc, _api.ErrorName(rc), _api.ErrorString(rc), $"cuMemAlloc({bucket} bytes; {AllocatedBytes} allocated, {CachedBytes} cached)");
        lock (_gate)
        {
            FreshAllocations++;
            AllocatedBytes += bucket;
        }
        return p;
    }

    public void Return(ulong ptr, long bucket)
    {
        lock (_gate)
        {
            if (!_free.TryGetValue(bucket, out var s)) _free[bucket] = s = new Stack<ulong>();
            s.Push(ptr);
            CachedBytes += bucket;
        }
    }

    /// <summary>Frees every cached block (the caller makes sure no queued kernel still uses them).</summary>
    public void Trim()
    {
        lock (_gate)
        {
            foreach (var (bucket, s) in _free)
                while (s.Count > 0)
                {
                    _api.cuMemFree(s.Pop());
                    AllocatedBytes -= bucket;
                }
            _free.Clear();
            CachedBytes = 0;
        }
    }
}
