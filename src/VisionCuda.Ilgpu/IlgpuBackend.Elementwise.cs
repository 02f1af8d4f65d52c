using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

public sealed partial class IlgpuBackend
{
    public void Fill(Storage destination, float value)
    {
        var d = S(destination);
        if (d.Count == 0) return;
        if (d.DType == DType.Int32)
        {
            // Int32 storages take the value converted, as the Cpu backend does (Fill(indices, 0)).
            K("fill.i", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, int>(ElementwiseKernels.FillInt))(Extent(d.Count), d.I, (int)value);
            return;
        }
        K("fill.f", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ElementwiseKernels.FillFloat))(Extent(d.Count), d.F, value);
    }

    public void CopyBlocks(Storage source, long sourceOffset, long sourceStride, Storage destination, long destinationOffset,
                           long destinationStride, long rows, long cols, bool accumulate)
    {
        if (rows <= 0 || cols <= 0) return;
        var p = new BlockCopy { SrcOffset = sourceOffset, SrcStride = sourceStride, DstOffset = destinationOffset, DstStride = destinationStride, Cols = cols };
        var n = Extent(rows * cols);
        var src = S(source);
        if (!accumulate)
            K("copy", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, BlockCopy>(ElementwiseKernels.CopyBlocks))(n, src.As<int>(), S(destination).As<int>(), p);
        else if (src.DType == DType.Int32)
            K("acc.i", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, BlockCopy>(ElementwiseKernels.AccumulateBlocksInt))(n, src.As<int>(), S(destination).As<int>(), p);
        else
            K("acc.f", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, BlockCopy>(ElementwiseKernels.AccumulateBlocksFloat))(n, src.As<float>(), S(destination).As<float>(), p);
    }

    public void Permute(Storage x, int[] shape, int[] perm, Storage y)
    {
        if (shape.Length != perm.Length || shape.Length > 6) throw new ArgumentException("permute: rank must match perm and be at most 6");
        var inStrides = Shapes.ContiguousStrides(shape);
        var outShape = new int[shape.Length];
        var src = new long[shape.Length];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            outShape[i] = shape[perm[i]];
            src[i] = inStrides[perm[i]];
            count *= outShape[i];
        }
        if (count == 0) return;
        var plan = Shape6.Create(outShape, src, new long[shape.Length]);
        K("permute", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, Shape6>(ElementwiseKernels.Permute))(Extent(count), S(x).As<int>(), S(y).As<int>(), plan);
    }

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

    public void DropoutMask(Storage mask, long count, float p, ulong seed, ulong offset)
    {
        if (count == 0) return;
        K("dropout", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ulong, ulong, float, float>(ElementwiseKernels.DropoutMask))(
            Extent(count), F(mask), seed, offset, p, 1f / (1f - p));
    }

    // ---- optimizers ---------------------------------------------------------------------------------------

    public void SgdStep(Storage param, Storage grad, Storage momentumBuffer, long count, float lr, float momentum, float weightDecay,
                        bool nesterov, bool firstStep)
    {
        if (count == 0) return;
        var args = new SgdArgs { Lr = lr, Momentum = momentum, WeightDecay = weightDecay, Nesterov = nesterov ? 1 : 0, FirstStep = firstStep ? 1 : 0 };
        K("sgd", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdArgs>(OptimKernels.Sgd))(
            Extent(count), F(param), F(grad), F(momentumBuffer), args);
    }

    public void AdamStep(Storage param, Storage grad, Storage m, Storage v, long count, float lr, float beta1, float beta2, float eps,
                         float weightDecay, bool decoupled, int step)
    {
        if (count == 0) return;
        double bc1 = 1.0 - Math.Pow(beta1, step), bc2 = 1.0 - Math.Pow(beta2, step);
        var args = new AdamArgs
        {
            Lr = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, WeightDecay = weightDecay, Decoupled = decoupled ? 1 : 0,
            StepSize = (float)(lr / bc1), Bc2Sqrt = (float)Math.Sqrt(bc2),
        };
        K("adam", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>(OptimKernels.Adam))(
            Extent(count), F(param), F(grad), F(m), F(v), args);
    }

    public void EmaUpdate(Storage ema, Storage param, long count, float decay)
    {
        if (count == 0) return;
        K("ema", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(OptimKernels.Ema))(Extent(count), F(ema), F(param), decay);
    }
}
