using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Fill, block copies and permutes: Kernels/CopyKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    public void Fill(Storage destination, float value)
    {
        var d = S(destination);
        if (d.Count == 0) return;
        if (d.DType == DType.Int32)
        {
            // Int32 storages take the value converted, as the Cpu backend does (Fill(indices, 0)).
            K("fill.i", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, int>(CopyKernels.FillInt))(Extent(d.Count), d.I, (int)value);
            return;
        }
        K("fill.f", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(CopyKernels.FillFloat))(Extent(d.Count), d.F, value);
    }

    public void CopyBlocks(Storage source, long sourceOffset, long sourceStride, Storage destination, long destinationOffset,
                           long destinationStride, long rows, long cols, bool accumulate)
    {
        if (rows <= 0 || cols <= 0) return;
        var p = new BlockCopy { SrcOffset = sourceOffset, SrcStride = sourceStride, DstOffset = destinationOffset, DstStride = destinationStride, Cols = cols };
        var n = Extent(rows * cols);
        var src = S(source);
        if (!accumulate)
            K("copy", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, BlockCopy>(CopyKernels.CopyBlocks))(n, src.As<int>(), S(destination).As<int>(), p);
        else if (src.DType == DType.Int32)
            K("acc.i", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, BlockCopy>(CopyKernels.AccumulateBlocksInt))(n, src.As<int>(), S(destination).As<int>(), p);
        else
            K("acc.f", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, BlockCopy>(CopyKernels.AccumulateBlocksFloat))(n, src.As<float>(), S(destination).As<float>(), p);
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
        K("permute", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, Shape6>(CopyKernels.Permute))(Extent(count), S(x).As<int>(), S(y).As<int>(), plan);
    }
}
