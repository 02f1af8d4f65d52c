using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

public sealed partial class IlgpuBackend
{
    /// <summary><see cref="IDetectionOps.AugmentBatch"/>: the packed table and LUTs (<see cref="AugmentPacking"/>) go up as
    /// temporaries and <see cref="AugmentKernels.Batch"/> writes one output pixel per thread.</summary>
    public void AugmentBatch(Storage sources, IReadOnlyList<AugmentImage> images, Storage output, int height, int width)
    {
        int n = images.Count;
        if (n == 0 || height <= 0 || width <= 0) return;
        var (table, luts) = AugmentPacking.Pack(images, S(sources).Bytes);
        var t = Allocate(table.Length * 2L, DType.Int32);
        var l = Allocate((luts.Length + 3) / 4, DType.Int32);
        try
        {
            Upload<double>(table, t);
            Upload<byte>(luts, l);
            K("augment.batch", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<double>, ArrayView<byte>, ArrayView<float>, AugmentArgs>(
                AugmentKernels.Batch))(Extent((long)n * height * width), S(sources).As<byte>(), S(t).As<double>(), S(l).As<byte>(), F(output),
                new AugmentArgs { H = height, W = width });
        }
        finally
        {
            t.Release();
            l.Release();
        }
    }
}
