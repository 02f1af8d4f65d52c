namespace VisionCuda.Reference;

/// <summary>
/// Naive oracles of the elementwise ops: NumPy broadcasting written from the shapes (right-aligned, size-1 dims
/// stretched; no stride plans), add, SiLU and axpy.
/// </summary>
public static class ReferenceElementwise
{
    /// <summary>y = op(a, b) broadcast over the two shapes; y has the broadcast shape, row major.</summary>
    public static float[] Binary(Func<float, float, float> op, float[] a, int[] aShape, float[] b, int[] bShape)
    {
        int rank = Math.Max(aShape.Length, bShape.Length);
        int Dim(int[] s, int d) => d - (rank - s.Length) is var k && k >= 0 ? s[k] : 1;
        var outShape = new int[rank];
        for (int d = 0; d < rank; d++) outShape[d] = Math.Max(Dim(aShape, d), Dim(bShape, d));
        long count = 1;
        foreach (int s in outShape) count *= s;
        var y = new float[count];
        var idx = new int[rank];
        for (long i = 0; i < count; i++)
        {
            long r = i;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d] = (int)(r % outShape[d]);
                r /= outShape[d];
            }
            y[i] = op(a[Flat(aShape, idx, rank)], b[Flat(bShape, idx, rank)]);
        }
        return y;
    }

    /// <summary>Row-major offset in a tensor of <paramref name="shape"/> of the broadcast index (size-1 dims read 0).</summary>
    private static long Flat(int[] shape, int[] idx, int rank)
    {
        long o = 0;
        for (int k = 0; k < shape.Length; k++)
        {
            int d = k + rank - shape.Length;
            o = o * shape[k] + (shape[k] == 1 ? 0 : idx[d]);
        }
        return o;
    }

    /// <summary>y = a + b, same shapes.</summary>
    public static float[] Add(float[] a, float[] b)
    {
        var y = new float[a.Length];
        for (int i = 0; i < a.Length; i++) y[i] = a[i] + b[i];
        return y;
    }

    /// <summary>SiLU x * sigmoid(x), in double.</summary>
    public static float[] Silu(float[] x)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (float)(x[i] / (1.0 + Math.Exp(-(double)x[i])));
        return y;
    }

    /// <summary>y = a + alpha * b.</summary>
    public static float[] Axpy(float[] a, float[] b, float alpha)
    {
        var y = new float[a.Length];
        for (int i = 0; i < a.Length; i++) y[i] = (float)(a[i] + (double)alpha * b[i]);
        return y;
    }
}
