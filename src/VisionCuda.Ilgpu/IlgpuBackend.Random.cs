using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Dropout masks from Philox: Kernels/RandomKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    public void DropoutMask(Storage mask, long count, float p, ulong seed, ulong offset)
    {
        if (count == 0) return;
        K("dropout", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ulong, ulong, float, float>(RandomKernels.DropoutMask))(
            Extent(count), F(mask), seed, offset, p, 1f / (1f - p));
    }
}
