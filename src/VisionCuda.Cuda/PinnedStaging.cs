using VisionCuda.Cuda.Interop;

namespace VisionCuda.Cuda;

/// <summary>
/// Pinned (page-locked) host buffers for asynchronous copies. An upload copies into a pinned buffer and queues
/// cuMemcpyHtoDAsync on the backend's stream, then returns: the caller's span may be reused at once. Two buffers
/// alternate; an event per buffer says when its last copy has finished, so a buffer is only overwritten after
/// the DMA that read it is done (uploads from a loader thread may overlap launches: the buffers are locked). A download queues cuMemcpyDtoHAsync after the pending kernels and waits.
/// </summary>
internal sealed unsafe class PinnedStaging : IDisposable
{
    private const long ChunkBytes = 8L << 20;
    private readonly DriverApi _api;
    private readonly CudaStream _stream;
    private readonly byte*[] _buffers = new byte*[2];
    private readonly CudaEvent[] _done = new CudaEvent[2];
    private readonly bool[] _pending = new bool[2];
    private readonly object _gate = new();
    private int _next;

    public PinnedStaging(DriverApi api, CudaStream stream)
    {
        _api = api;
        _stream = stream;
        for (int i = 0; i < 2; i++)
        {
            void* p;
            NativeLibraries.Check(api, api.cuMemAllocHost(&p, (nuint)ChunkBytes), "cuMemAllocHost");
            _buffers[i] = (byte*)p;
            _done[i] = new CudaEvent(api, timing: false);
        }
    }

    public void Upload(byte* src, ulong dst, long bytes)
    {
        lock (_gate) UploadLocked(src, dst, bytes);
    }

    private void UploadLocked(byte* src, ulong dst, long bytes)
    {
        for (long off = 0; off < bytes; off += ChunkBytes)
        {
            long n = Math.Min(ChunkBytes, bytes - off);
            int b = _next;
            _next = 1 - _next;
            if (_pending[b]) _done[b].Synchronize();
            Buffer.MemoryCopy(src + off, _buffers[b], ChunkBytes, n);
            NativeLibraries.Check(_api, _api.cuMemcpyHtoDAsync(dst + (ulong)off, _buffers[b], (nuint)n, _stream.Value), "cuMemcpyHtoDAsync");
            _done[b].Record(_stream);
            _pending[b] = true;
        }
    }

    /// <summary>Returns the first failing CUresult (0 on success) so the caller can name the last kernel.</summary>
    public int Download(ulong src, byte* dst, long bytes)
    {
        lock (_gate) return DownloadLocked(src, dst, bytes);
    }

    private int DownloadLocked(ulong src, byte* dst, long bytes)
    {
        for (long off = 0; off < bytes; off += ChunkBytes)
        {
            long n = Math.Min(ChunkBytes, bytes - off);
            int b = _next;
            int rc = _api.cuMemcpyDtoHAsync(_buffers[b], src + (ulong)off, (nuint)n, _stream.Value);
            if (rc == 0) rc = _api.cuStreamSynchronize(_stream.Value);
            if (rc != 0) return rc;
            _pending[b] = false; // the stream is idle: every earlier copy from this buffer is done
            _pending[1 - b] = false;
            Buffer.MemoryCopy(_buffers[b], dst + off, n, n);
        }
        return 0;
    }

    public void Dispose()
    {
        for (int i = 0; i < 2; i++)
        {
            if (_pending[i]) _done[i].Synchronize();
            _done[i].Dispose();
            if (_buffers[i] != null) _api.cuMemFreeHost(_buffers[i]);
            _buffers[i] = null;
        }
    }
}
