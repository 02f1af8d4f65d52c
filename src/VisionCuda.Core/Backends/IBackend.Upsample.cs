namespace VisionCuda.Backends;

/// <summary>Nearest and bilinear resize, forward and backward. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>Resize [N*C, H, W] to [N*C, outH, outW]. Nearest follows PyTorch's 'nearest' (floor of dst*scale).</summary>
    void Upsample(InterpolationMode mode, bool alignCorners, Storage x, Storage y, long planes, int h, int w, int outH, int outW);

    void UpsampleBackward(InterpolationMode mode, bool alignCorners, Storage dy, Storage dx, long planes, int h, int w, int outH, int outW);
}
