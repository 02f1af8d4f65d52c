using OpenCvSharp;

namespace VisionCuda.Vision.Imaging;

/// <summary>
/// Colour operations on 8-bit RGB images, computed per pixel in float and rounded once, so that they match
/// OpenCV's float RGB&lt;-&gt;HSV conversion to within one intensity level (tested). HSV here is the float
/// convention: H in degrees [0, 360), S and V in [0, 1].
///
/// HSV jitter follows Ultralytics' augment_hsv (hue shifted by a fraction of a turn, saturation and value
/// multiplied by gains), which is also what torchvision ColorJitter's hue/saturation/brightness amount to.
/// </summary>
public static class ColorOps
{
    /// <summary>Shifts hue by <paramref name="hueTurns"/> of a full turn and scales S and V, in place.
    /// On a 1-channel image only the value gain applies (gray has no hue or saturation).</summary>
    public static unsafe void AdjustHsv(Mat image, float hueTurns, float satGain, float valGain)
    {
        RequireU8(image);
        int c = image.Channels();
        float hueShift = hueTurns * 360f;
        int rows = image.Rows, cols = image.Cols;
        byte* data = image.DataPointer;
        long step = image.Step();
        for (int y = 0; y < rows; y++)
        {
            byte* row = data + y * step;
            for (int x = 0; x < cols; x++)
            {
                byte* p = row + x * c;
                if (c == 1)
                {
                    p[0] = ToByte(p[0] * valGain);
                    continue;
                }
                RgbToHsv(p[0] / 255f, p[1] / 255f, p[2] / 255f, out float h, out float s, out float v);
                h += hueShift;
                h -= 360f * MathF.Floor(h / 360f);
                s = Math.Clamp(s * satGain, 0f, 1f);
                v = Math.Clamp(v * valGain, 0f, 1f);
                HsvToRgb(h, s, v, out float r, out float g, out float b);
                p[0] = ToByte(r * 255f);
                p[1] = ToByte(g * 255f);
                p[2] = ToByte(b * 255f);
            }
        }
    }

    /// <summary>Replaces each RGB pixel by its BT.601 luma in all three channels (torchvision Grayscale(3)).</summary>
    public static unsafe void ToGrayInPlace(Mat image)
    {
        RequireU8(image);
        if (image.Channels() == 1) return;
        int rows = image.Rows, cols = image.Cols;
        byte* data = image.DataPointer;
        long step = image.Step();
        for (int y = 0; y < rows; y++)
        {
            byte* row = data + y * step;
            for (int x = 0; x < cols; x++)
            {
                byte* p = row + x * 3;
                byte l = ToByte(0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]);
                p[0] = p[1] = p[2] = l;
            }
        }
    }

    /// <summary>RGB in [0,1] to H in [0,360), S, V in [0,1] (OpenCV's float formulas).</summary>
    public static void RgbToHsv(float r, float g, float b, out float h, out float s, out float v)
    {
        v = MathF.Max(r, MathF.Max(g, b));
        float min = MathF.Min(r, MathF.Min(g, b));
        float diff = v - min;
        s = v > 0 ? diff / v : 0f;
        if (diff <= 0) { h = 0; return; }
        if (v == r) h = 60f * (g - b) / diff;
        else if (v == g) h = 120f + 60f * (b - r) / diff;
        else h = 240f + 60f * (r - g) / diff;
        if (h < 0) h += 360f;
    }

    /// <summary>H in degrees, S, V in [0,1] to RGB in [0,1].</summary>
    public static void HsvToRgb(float h, float s, float v, out float r, out float g, out float b)
    {
        if (s <= 0) { r = g = b = v; return; }
        float hh = h / 60f;
        int sector = (int)MathF.Floor(hh);
        float f = hh - sector;
        sector %= 6;
        if (sector < 0) sector += 6;
        float p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        (r, g, b) = sector switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    internal static byte ToByte(float x) => (byte)Math.Clamp((int)MathF.Round(x, MidpointRounding.AwayFromZero), 0, 255);

    internal static void RequireU8(Mat image)
    {
        if (image.Type() != MatType.CV_8UC1 && image.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"expected an 8-bit 1- or 3-channel image, got {image.Type()}");
    }
}
