namespace VisionCuda.Backends;

public partial interface IDetectionOps
{
    // ---- detection augmentation ----------------------------------------------------------------------------

    /// <summary>
    /// Builds a detection batch <paramref name="output"/> [images.Count, 3, height, width] (float32, RGB / 255) from
    /// 8-bit HWC RGB source images packed as bytes in <paramref name="sources"/> (any dtype; byte offsets in the table)
    /// and one <see cref="AugmentImage"/> per output image. Per output pixel (x, y): the pre-flip position
    /// (W-1-x if FlipLR, H-1-y if FlipUD) is sampled from the source through its inverse warp with OpenCV's
    /// fixed-point bilinear (border <see cref="AugmentImage.Border"/>), optionally blended with a second warped
    /// source (a = trunc(a*r + b*(1-r))), optionally HSV-augmented (OpenCV 8-bit RGB->HSV, Ultralytics' LUTs, float
    /// HSV->RGB), and scaled by 1/255. Every backend gives bitwise the same bytes (integer and non-contracted float
    /// arithmetic), equal to VisionCuda.Vision's Warp + Blend + HsvAugment + flip path.
    /// </summary>
    void AugmentBatch(Storage sources, IReadOnlyList<AugmentImage> images, Storage output, int height, int width);
}
