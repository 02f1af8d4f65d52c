using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Unary, binary (broadcast) and axpy: Kernels/ElementwiseKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    public void Axpy(Storage a, Storage b, Storage y, long count, float alpha)
    {
        if (count == 0) return;
        K("axpy", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(ElementwiseKernels.Axpy))(
            Extent(count), F(a), F(b), F(y), alpha);
    }

    public void Unary(UnaryOp op, Storage x, Storage y, long count, float a = 0f, float b = 0f)
    {
        if (count == 0) return;
        K("unary", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, float, float>(ElementwiseKernels.Unary))(
            Extent(count), F(x), F(y), (int)op, a, b);
    }

    public void UnaryBackward(UnaryOp op, Storage x, Storage y, Storage dy, Storage dx, long count, float a = 0f, float b = 0f)
    {
        if (count == 0) return;
        K("unary.bwd", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float>(
            ElementwiseKernels.UnaryBackward))(Extent(count), F(x), F(y), F(dy), F(dx), (int)op, a, b);
    }

    public void Binary(BinaryOp op, Storage a, Storage b, Storage y, BroadcastPlan plan)
    {
        long count = plan.Count;
        if (count == 0) return;
        var contiguous = Shapes.ContiguousStrides(plan.OutShape);
        bool aFlat = plan.AStrides.AsSpan().SequenceEqual(contiguous);
        bool bFlat = plan.BStrides.AsSpan().SequenceEqual(contiguous);
        bool aScalar = Array.TrueForAll(plan.AStrides, s => s == 0);
        if ((aFlat || aScalar) && (bFlat || plan.BIsScalar))
        {
            int sa = aScalar && count > 1 ? 0 : 1, sb = plan.BIsScalar && count > 1 ? 0 : 1;
            K("binary.flat", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(
                ElementwiseKernels.BinaryFlat))(Extent(count), F(a), F(b), F(y), (int)op, sa, sb);
            return;
        }
        var shape = Shape6.Create(plan.OutShape, plan.AStrides, plan.BStrides);
        K("binary.strided", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Shape6>(
            ElementwiseKernels.BinaryStrided))(Extent(count), F(a), F(b), F(y), (int)op, shape);
    }
}
