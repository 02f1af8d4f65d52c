namespace VisionCuda.Backends;

/// <summary>Random masks (dropout), drawn with Philox so every backend draws the same. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>
    /// Dropout mask: mask[i] = 0 with probability p, else 1/(1-p), drawn with Philox4x32-10 keyed by
    /// <paramref name="seed"/> at counter (<paramref name="offset"/> + i). Every backend draws the same mask.
    /// </summary>
    void DropoutMask(Storage mask, long count, float p, ulong seed, ulong offset);
}
