using OpenCvSharp;
using VisionCuda.Backends;

namespace VisionCuda.Vision.Detection;

/// <summary>A warp still to do: the composed canvas (mosaic or letterbox) and the forward matrix of random
/// perspective; the boxes have already been mapped through it.</summary>
internal sealed class PendingWarp(Mat canvas, double[] matrix, bool perspective, int outWidth, int outHeight) : IDisposable
{
    public Mat Canvas { get; } = canvas;
    public double[] Matrix { get; } = matrix;
    public bool Perspective { get; } = perspective;
    public int OutWidth { get; } = outWidth;
    public int OutHeight { get; } = outHeight;
    public long Bytes => (long)Canvas.Rows * Canvas.Cols * 3;

    /// <summary>The warped image on the host (the Cpu path).</summary>
    public Mat Render() => DetectAugment.WarpImage(Canvas, Matrix, OutWidth, OutHeight, Perspective);

    /// <summary>The same warp for <see cref="IDetectionOps.AugmentBatch"/>, the canvas at byte <paramref name="offset"/>.</summary>
    public WarpSource Describe(long offset) => AugmentMath.Source(offset, Canvas.Cols, Canvas.Rows, Matrix, Perspective);

    public void Dispose() => Canvas.Dispose();
}

/// <summary>
/// One training sample after the host's share of the work: every random draw made, the boxes final, the images
/// composed but not yet warped. <see cref="Render"/> finishes it on the host exactly as the Cpu pipeline always did
/// (warp, mixup blend, HSV, flips); <see cref="Describe"/> hands the same steps to <see cref="IDetectionOps.AugmentBatch"/>,
/// which computes the same bytes.
/// </summary>
internal sealed class SampleRecipe(PendingWarp image, PendingWarp? mix, double mixRatio, bool hsv, float rh, float rs, float rv,
    bool flipUD, bool flipLR) : IDisposable
{
    public PendingWarp Image { get; } = image;
    public PendingWarp? Mix { get; } = mix;
    public int Width => Image.OutWidth;
    public int Height => Image.OutHeight;
    public long Bytes => Image.Bytes + (Mix?.Bytes ?? 0);

    public Mat Render()
    {
        var img = Image.Render();
        try
        {
            if (Mix != null)
            {
                using var second = Mix.Render();
                DetectAugment.Blend(img, second, mixRatio);
            }
            if (hsv) HsvAugment.ApplyGains(img, rh, rs, rv);
            if (flipUD) Cv2.Flip(img, img, FlipMode.X);
            if (flipLR) Cv2.Flip(img, img, FlipMode.Y);
            return img;
        }
        catch
        {
            img.Dispose();
            throw;
        }
    }

    /// <summary>Copies the canvases into <paramref name="sources"/> at <paramref name="offset"/> and returns the op's row.</summary>
    public unsafe AugmentImage Describe(byte[] sources, long offset)
    {
        var a = Copy(Image, sources, offset);
        var b = Mix != null ? Copy(Mix, sources, offset + Image.Bytes) : null;
        return new AugmentImage(a, b, mixRatio, hsv, rh, rs, rv, flipUD, flipLR);
    }

    private static unsafe WarpSource Copy(PendingWarp w, byte[] sources, long offset)
    {
        var m = w.Canvas;
        int rows = m.Rows, rowBytes = m.Cols * 3;
        long step = m.Step();
        byte* data = m.DataPointer;
        for (int y = 0; y < rows; y++)
            new ReadOnlySpan<byte>(data + y * step, rowBytes).CopyTo(sources.AsSpan((int)(offset + (long)y * rowBytes), rowBytes));
        return w.Describe(offset);
    }

    public void Dispose()
    {
        Image.Dispose();
        Mix?.Dispose();
    }
}
