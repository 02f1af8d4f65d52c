using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>
/// NMS on ranked boxes with kernels/nms.cu: the n x ceil(n/32) suppression bitmask and the sequential walk over it
/// both run on the device, so nothing but keep and keepCount ever needs to come back to the host.
/// </summary>
public sealed partial class CudaBackend
{
    private const int NmsTile = 64;          // boxes per mask block, each way (nms.cu's NMS_TILE)
    private const int NmsReduceThreads = 256;
    private const int NmsMaxWords = 12272;    // kept bits, count and removed bits within 48 KiB of shared memory: n <= 392,704

    public void NmsRanked(Storage boxes, Storage? classes, int n, float iouCut, int maxKeep, Storage keep, Storage keepCount)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        int words = (n + 31) / 32;
        if (words > NmsMaxWords) throw new NotSupportedException($"cuda NMS: {n} boxes exceed {32 * NmsMaxWords} (removed bits in shared memory)");
        var mask = Allocate(Math.Max(1L, (long)n * words), DType.Int32);
        try
        {
            if (n > 0)
            {
                uint blocks = (uint)((n + NmsTile - 1) / NmsTile);
                Launch(K.vc_nms_mask_f32, blocks, blocks, 1, NmsTile, 0,
                    P(boxes), P(classes, optional: true), n, words, iouCut, P(mask));
            }
            Launch(K.vc_nms_reduce_f32, 1, 1, 1, NmsReduceThreads, (uint)(8 + 4 * words),
                P(mask), n, words, Math.Max(0, maxKeep), P(keep), P(keepCount));
        }
        finally
        {
            mask.Release();   // stream-ordered: the pool hands it out again only to later work on the same stream
        }
    }
}
