using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Reductions over the middle dim and their backward: Kernels/ReduceKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    public void Reduce(ReduceOp op, Storage x, Storage y, long outer, int dimSize, long inner, Storage? argmax = null)
    {
        long count = outer * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = dimSize, Inner = inner };
        var am = argmax is null ? S(x).I : I(argmax);
        K("reduce", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceDims, int, int>(ReduceKernels.Reduce))(
            Extent(count), F(x), F(y), am, d, (int)op, argmax is null ? 0 : 1);
    }

    public void ReduceBackward(ReduceOp op, Storage dy, Storage dx, long outer, int dimSize, long inner, Storage? argmax = null)
    {
        long count = outer * dimSize * inner;
        if (count == 0) return;
        if (op == ReduceOp.Max && argmax is null) throw new ArgumentException("max backward needs the argmax from the forward");
        var d = new ReduceDims { Outer = outer, Dim = dimSize, Inner = inner };
        var am = argmax is null ? S(dy).I : I(argmax);
        K("reduce.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceDims, int>(ReduceKernels.ReduceBackward))(
            Extent(count), F(dy), F(dx), am, d, (int)op);
    }
}
