using OpenCvSharp;

namespace VisionCuda.Vision.Imaging;

/// <summary>HWC 8-bit Mat to planar CHW float32 with normalisation (the layout every backend takes).</summary>
public static class ChwConverter
{
    /// <summary>Writes C*H*W floats into <paramref name="dst"/>; the image's channel count must equal C.</summary>
    public static unsafe void ToChw(Mat image, Span<float> dst, Normalization norm)
    {
        if (image.Type() != MatType.CV_8UC1 && image.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"expected an 8-bit 1- or 3-channel image, got {image.Type()}");
        int h = image.Rows, w = image.Cols, c = image.Channels();
        int plane = h * w;
        if (dst.Length != c * plane) throw new ArgumentException($"destination holds {dst.Length} floats, image needs {c * plane}");
        Span<float> scale = stackalloc float[c], offset = stackalloc float[c];
        for (int ch = 0; ch < c; ch++) (scale[ch], offset[ch]) = norm.For(ch, c);
        byte* data = image.DataPointer;
        long step = image.Step();
        for (int y = 0; y < h; y++)
        {
            byte* row = data + y * step;
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                    dst[ch * plane + y * w + x] = row[x * c + ch] * scale[ch] + offset[ch];
        }
    }

    /// <summary>Allocating convenience form of <see cref="ToChw(Mat, Span{float}, Normalization)"/>.</summary>
    public static float[] ToChw(Mat image, Normalization norm)
    {
        var dst = new float[image.Channels() * image.Rows * image.Cols];
        ToChw(image, dst, norm);
        return dst;
    }
}
