namespace VisionCuda.Backends;

/// <summary>How a <see cref="WarpSource"/> maps output pixels to source positions.</summary>
public enum WarpMode
{
    /// <summary>Inverse[0..5] is the inverse 2x3 affine matrix (OpenCV's warpAffine sampling).</summary>
    Affine = 0,

    /// <summary>Inverse is the inverse 3x3 matrix (OpenCV's warpPerspective sampling).</summary>
    Perspective = 1,

    /// <summary>A singular perspective matrix: every pixel is the border value (what warpPerspective gives).</summary>
    Border = 2,
}

/// <summary>
/// One warped source of <see cref="IDetectionOps.AugmentBatch"/>: an 8-bit HWC RGB image of Width x Height at byte
/// <see cref="Offset"/> of the sources storage, and the INVERSE of the forward warp (destination to source, row
/// major, as <see cref="AugmentMath.InvertAffine"/> / <see cref="AugmentMath.Invert3x3"/> compute it), in double so
/// that sample positions round exactly as OpenCV's.
/// </summary>
public sealed record WarpSource(long Offset, int Width, int Height, WarpMode Mode, double[] Inverse)
{
    public long Bytes => 3L * Width * Height;
}

/// <summary>
/// The per-image parameters of <see cref="IDetectionOps.AugmentBatch"/>: the warped source, an optional mixup partner with
/// ratio r (a = trunc(a*r + b*(1-r)), computed in float as Ultralytics' MixUp), the HSV gains r (not 1 + r; applied
/// when <see cref="Hsv"/>), and the flips (applied last).
/// </summary>
public sealed record AugmentImage(WarpSource Source, WarpSource? Mix = null, double MixRatio = 0, bool Hsv = false,
    float HueGain = 0, float SatGain = 0, float ValGain = 0, bool FlipUD = false, bool FlipLR = false)
{
    /// <summary>Border value of taps outside a source (Ultralytics' pad value).</summary>
    public const byte Border = 114;
}
