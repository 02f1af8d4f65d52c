using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>
/// <see cref="IDetectionOps.AugmentBatch"/> on the device: the parameter table and HSV look-up tables are packed on the host
/// (<see cref="AugmentPacking"/>, a few KiB per batch), uploaded into stream-ordered temporaries, and
/// kernels/augment.cu builds the whole float batch, one thread per output pixel.
/// </summary>
public sealed partial class CudaBackend
{
    public void AugmentBatch(Storage sources, IReadOnlyList<AugmentImage> images, Storage output, int height, int width)
    {
        int n = images.Count;
        if (n == 0 || height <= 0 || width <= 0) return;
        var (table, luts) = AugmentPacking.Pack(images, S(sources).Bytes);
        var t = (CudaStorage)Allocate(table.Length * 2L, DType.Int32);
        var l = (CudaStorage)Allocate((luts.Length + 3) / 4, DType.Int32);
        try
        {
            Upload<double>(table, t);
            Upload<byte>(luts, l);
            Launch1D(K.vc_augment_batch_u8, (long)n * height * width, P(sources), t.Ptr, l.Ptr, P(output), n, height, width);
        }
        finally
        {
            t.Release();
            l.Release();
        }
    }
}
