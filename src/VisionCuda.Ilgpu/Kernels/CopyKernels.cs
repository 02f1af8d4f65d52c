using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>Fill, block copy (and accumulate) and permute: one thread per element moved, 4-byte elements as ints so
/// Int32 storages move bitwise.</summary>
internal static class CopyKernels
{
    public static void FillFloat(Index1D i, ArrayView<float> y, float value) => y[i] = value;

    public static void FillInt(Index1D i, ArrayView<int> y, int value) => y[i] = value;

    /// <summary>Block copy on 32-bit words (floats and ints alike, bit-exact). Thread = (row, col).</summary>
    public static void CopyBlocks(Index1D i, ArrayView<int> src, ArrayView<int> dst, BlockCopy p)
    {
        long r = i / p.Cols, c = i - r * p.Cols;
        dst[p.DstOffset + r * p.DstStride + c] = src[p.SrcOffset + r * p.SrcStride + c];
    }

    public static void AccumulateBlocksFloat(Index1D i, ArrayView<float> src, ArrayView<float> dst, BlockCopy p)
    {
        long r = i / p.Cols, c = i - r * p.Cols;
        long d = p.DstOffset + r * p.DstStride + c;
        dst[d] = dst[d] + src[p.SrcOffset + r * p.SrcStride + c];
    }

    public static void AccumulateBlocksInt(Index1D i, ArrayView<int> src, ArrayView<int> dst, BlockCopy p)
    {
        long r = i / p.Cols, c = i - r * p.Cols;
        long d = p.DstOffset + r * p.DstStride + c;
        dst[d] = dst[d] + src[p.SrcOffset + r * p.SrcStride + c];
    }

    /// <summary>y[i] = x[offset of i in the permuted source]; plan.A holds the source strides in output dim order.</summary>
    public static void Permute(Index1D i, ArrayView<int> x, ArrayView<int> y, Shape6 plan)
    {
        plan.Offsets(i, out long src, out _);
        y[i] = x[src];
    }
}

/// <summary>Arguments of a block copy (see IBackend.CopyBlocks).</summary>
internal struct BlockCopy
{
    public long SrcOffset, SrcStride, DstOffset, DstStride, Cols;
}
