namespace VisionCuda.Backends;

/// <summary>Reductions over the middle dim of [outer, dim, inner] and their backward. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>
    /// x viewed as [outer, dimSize, inner] reduced over the middle dim into y [outer, inner].
    /// For Max, <paramref name="argmax"/> (Int32, same shape as y) receives the index along the dim, first wins on ties.
    /// </summary>
    void Reduce(ReduceOp op, Storage x, Storage y, long outer, int dimSize, long inner, Storage? argmax = null);

    /// <summary>Backward of Reduce: dx [outer, dimSize, inner] from dy [outer, inner]. Overwrites dx.</summary>
    void ReduceBackward(ReduceOp op, Storage dy, Storage dx, long outer, int dimSize, long inner, Storage? argmax = null);
}
