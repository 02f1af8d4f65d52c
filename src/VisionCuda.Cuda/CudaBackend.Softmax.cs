using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>(Log-)softmax and its backward: kernels/softmax.cu.</summary>
public sealed partial class CudaBackend
{
    public void Softmax(Storage x, Storage y, long outer, int dimSize, long inner, bool log)
    {
        if (inner == 1) LaunchWarpRows(K.vc_softmax_rows_f32, outer, P(x), P(y), outer, dimSize, log ? 1 : 0);
        else Launch1D(K.vc_softmax_inner_f32, outer * inner, P(x), P(y), outer, dimSize, inner, log ? 1 : 0);
    }

    public void SoftmaxBackward(Storage y, Storage dy, Storage dx, long outer, int dimSize, long inner, bool log)
    {
        if (inner == 1) LaunchWarpRows(K.vc_softmax_bwd_rows_f32, outer, P(y), P(dy), P(dx), outer, dimSize, log ? 1 : 0);
        else Launch1D(K.vc_softmax_bwd_inner_f32, outer * inner, P(y), P(dy), P(dx), outer, dimSize, inner, log ? 1 : 0);
    }

    /// <summary>One warp per row, 8 rows per 256-thread block.</summary>
    private void LaunchWarpRows(K k, long rows, params ReadOnlySpan<Arg> args)
    {
        if (rows <= 0) return;
        long blocks = Math.Min((rows + 7) / 8, MaxGridBlocks * 4L);
        Launch(k, (uint)blocks, 1, 1, BlockSize, 0, args);
    }
}
