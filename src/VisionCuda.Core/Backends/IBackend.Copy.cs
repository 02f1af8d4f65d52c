namespace VisionCuda.Backends;

/// <summary>Fill, block copies (concat, split, slices) and permutes: the data-movement family. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    void Fill(Storage destination, float value);

    /// <summary>
    /// Copies (or, with <paramref name="accumulate"/>, adds) <paramref name="rows"/> blocks of
    /// <paramref name="cols"/> contiguous elements: dst[dstOffset + r*dstStride + c] (+)= src[srcOffset + r*srcStride + c].
    /// Concat, split and channel slices (and their backwards) are all this one op.
    /// </summary>
    void CopyBlocks(Storage source, long sourceOffset, long sourceStride,
                    Storage destination, long destinationOffset, long destinationStride,
                    long rows, long cols, bool accumulate);

    /// <summary>y = x permuted: y.shape[i] = shape[perm[i]]. Rank at most 6.</summary>
    void Permute(Storage x, int[] shape, int[] perm, Storage y);
}
