using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>(Log-)softmax and its backward: Kernels/SoftmaxKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    public void Softmax(Storage x, Storage y, long outer, int dimSize, long inner, bool log)
    {
        long count = outer * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = dimSize, Inner = inner };
        K("softmax", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ReduceDims, int>(SoftmaxKernels.Softmax))(
            Extent(count), F(x), F(y), d, log ? 1 : 0);
    }

    public void SoftmaxBackward(Storage y, Storage dy, Storage dx, long outer, int dimSize, long inner, bool log)
    {
        long count = outer * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = dimSize, Inner = inner };
        K("softmax.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceDims, int>(SoftmaxKernels.SoftmaxBackward))(
            Extent(count), F(y), F(dy), F(dx), d, log ? 1 : 0);
    }
}
