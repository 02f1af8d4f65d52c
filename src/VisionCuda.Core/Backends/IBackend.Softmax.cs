namespace VisionCuda.Backends;

/// <summary>(Log-)softmax and its backward. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>(Log-)softmax over the middle dim of [outer, dimSize, inner].</summary>
    void Softmax(Storage x, Storage y, long outer, int dimSize, long inner, bool log);

    /// <summary>Backward of (log-)softmax from its output y.</summary>
    void SoftmaxBackward(Storage y, Storage dy, Storage dx, long outer, int dimSize, long inner, bool log);
}
