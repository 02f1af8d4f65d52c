using VisionCuda.Backends;

namespace VisionCuda.Cuda;

public sealed partial class CudaBackend
{
    public void Fill(Storage destination, float value)
    {
        long n = destination.Count;
        Launch1D(K.vc_fill_f32, n, P(destination), n, value);
    }

    public void CopyBlocks(Storage source, long sourceOffset, long sourceStride,
                           Storage destination, long destinationOffset, long destinationStride,
                           long rows, long cols, bool accumulate)
    {
        Launch1D(K.vc_copy_blocks_f32, rows * cols,
            S(source).At(sourceOffset), sourceStride, S(destination).At(destinationOffset), destinationStride,
            rows, cols, accumulate);
    }

    public void Permute(Storage x, int[] shape, int[] perm, Storage y)
    {
        int rank = shape.Length;
        if (rank > 6 || perm.Length != rank) throw new ArgumentException("permute: rank at most 6, perm of the same rank");
        var inStrides = Shapes.ContiguousStrides(shape);
        Span<int> d = stackalloc int[6];
        Span<long> s = stackalloc long[6];
        d.Fill(1);
        s.Clear();
        long n = 1;
        for (int i = 0; i < rank; i++)
        {
            d[6 - rank + i] = shape[perm[i]];
            s[6 - rank + i] = inStrides[perm[i]];
            n *= shape[perm[i]];
        }
        Launch1D(K.vc_permute_f32, n, P(x), P(y), n, d[0], d[1], d[2], d[3], d[4], d[5], s[0], s[1], s[2], s[3], s[4], s[5]);
    }

    /// <summary>[a, b, c] -> [b, a, c] (used by conv backward-weight to put channels first).</summary>
    private void Transpose01(DevPtr x, DevPtr y, int a, int b, long c)
    {
        long n = (long)a * b * c;
        Launch1D(K.vc_permute_f32, n, x, y, n, 1, 1, 1, b, a, (int)c, 0L, 0L, 0L, c, (long)b * c, 1L);
    }
}
