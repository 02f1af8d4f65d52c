using VisionCuda.Backends;

namespace VisionCuda.Cuda;

public sealed partial class CudaBackend
{
    // A single long row is summed in two passes: fixed chunks (one block each), then the partials. The chunking
    // depends only on the length, so the result is bitwise reproducible.
    private const int SplitRowAbove = 65536;

    public void Reduce(ReduceOp op, Storage x, Storage y, long outer, int dimSize, long inner, Storage? argmax = null)
    {
        int code = op == ReduceOp.Max ? 2 : 0;
        float divisor = op == ReduceOp.Mean ? dimSize : 1f;
        DevPtr am = P(argmax, optional: true);
        if (inner != 1)
        {
            Launch1D(K.vc_reduce_inner_f32, outer * inner, P(x), P(y), am, outer, dimSize, inner, code, divisor);
            return;
        }
        if (outer == 1 && dimSize > SplitRowAbove && op != ReduceOp.Max)
        {
            long chunk = Math.Max(4096, (dimSize + 1023) / 1024);
            int parts = (int)((dimSize + chunk - 1) / chunk);
            using var tmp = new Temp(this, parts);
            Launch(K.vc_reduce_partial_f32, (uint)parts, 1, 1, BlockSize, 0, P(x), tmp.Ptr, (long)dimSize, chunk);
            LaunchRows(K.vc_reduce_rows_f32, 1, tmp.Ptr, P(y), DevPtr.Null, 1L, parts, 0, divisor);
            return;
        }
        LaunchRows(K.vc_reduce_rows_f32, outer, P(x), P(y), am, outer, dimSize, code, divisor);
    }

    public void ReduceBackward(ReduceOp op, Storage dy, Storage dx, long outer, int dimSize, long inner, Storage? argmax = null)
    {
        int code = op == ReduceOp.Max ? 2 : 0;
        float scale = op == ReduceOp.Mean ? 1f / dimSize : 1f;
        if (op == ReduceOp.Max && argmax is null) throw new ArgumentException("max backward needs the argmax indices");
        Launch1D(K.vc_reduce_backward_f32, outer * dimSize * inner, P(dy), P(dx), P(argmax, optional: true), outer, dimSize, inner, code, scale);
    }

    /// <summary>A scratch device buffer, released (back to the caching allocator, stream-ordered) at the end of the op.</summary>
    private readonly struct Temp : IDisposable
    {
        private readonly CudaStorage _s;

        public Temp(CudaBackend backend, long count) => _s = (CudaStorage)backend.Allocate(Math.Max(count, 1));

        public DevPtr Ptr => _s.Ptr;

        public void Dispose() => _s.Release();
    }
}
