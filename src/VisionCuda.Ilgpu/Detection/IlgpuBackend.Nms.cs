using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

public sealed partial class IlgpuBackend
{
    /// <summary>NMS on ranked boxes: the bitmask and its sequential walk both on the accelerator (Kernels/NmsKernels.cs).</summary>
    public void NmsRanked(Storage boxes, Storage? classes, int n, float iouCut, int maxKeep, Storage keep, Storage keepCount)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        int words = (n + 31) / 32;
        long cells = (long)n * words;
        if (cells > int.MaxValue) throw new NotSupportedException($"ilgpu NMS: {n} boxes give a mask over one launch (2^31-1 words)");
        var mask = Allocate(Math.Max(1L, cells), DType.Int32);
        try
        {
            if (n > 0)
            {
                var args = new NmsArgs { N = n, Words = words, HasClasses = classes is null ? 0 : 1, Cut = iouCut };
                K("nms.mask", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, NmsArgs>(NmsKernels.Mask))(
                    Extent(cells), F(boxes), classes is null ? I(mask) : I(classes), I(mask), args);
            }
            int threads = Math.Min(Accelerator.MaxNumThreadsPerGroup, 256);
            var config = new KernelConfig(new Index1D(1), new Index1D(threads), SharedMemoryConfig.RequestDynamic<int>(words + 2));
            K("nms.reduce", a => a.LoadStreamKernel<ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int>(NmsKernels.Reduce))(
                config, I(mask), I(keep), I(keepCount), n, words, Math.Max(0, maxKeep));
        }
        finally
        {
            mask.Release();   // stream-ordered reuse: later work on the default stream runs after these kernels
        }
    }
}
