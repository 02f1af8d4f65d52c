namespace VisionCuda.Reference;

/// <summary>Naive oracles of the data-movement ops: strided block copies, axis permutation and one-hot.</summary>
public static class ReferenceMemory
{
    /// <summary>dst[dOff + r*dStride + c] (+)= src[sOff + r*sStride + c] for r &lt; rows, c &lt; cols; returns a new dst.</summary>
    public static float[] CopyBlocks(float[] src, long sOff, long sStride, float[] dst, long dOff, long dStride, long rows, long cols, bool accumulate)
    {
        var y = (float[])dst.Clone();
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++)
            {
                float v = src[sOff + r * sStride + c];
                y[dOff + r * dStride + c] = accumulate ? y[dOff + r * dStride + c] + v : v;
            }
        return y;
    }

    /// <summary>y = x.permute(perm): output dim d is input dim perm[d].</summary>
    public static float[] Permute(float[] x, int[] shape, int[] perm)
    {
        int rank = shape.Length;
        var outShape = perm.Select(p => shape[p]).ToArray();
        var inStrides = new long[rank];
        long s = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            inStrides[d] = s;
            s *= shape[d];
        }
        var y = new float[x.Length];
        for (long i = 0; i < y.Length; i++)
        {
            long r = i, src = 0;
            for (int d = rank - 1; d >= 0; d--)
            {
                src += r % outShape[d] * inStrides[perm[d]];
                r /= outShape[d];
            }
            y[i] = x[src];
        }
        return y;
    }

    /// <summary>y [count, classes]: 1 at the index, a zero row for an index outside [0, classes).</summary>
    public static float[] OneHot(int[] indices, int classes)
    {
        var y = new float[indices.Length * classes];
        for (int i = 0; i < indices.Length; i++)
            if (indices[i] >= 0 && indices[i] < classes) y[i * classes + indices[i]] = 1f;
        return y;
    }
}
