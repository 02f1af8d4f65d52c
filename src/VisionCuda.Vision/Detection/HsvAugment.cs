using OpenCvSharp;
using VisionCuda.Backends;
using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// Ultralytics' RandomHSV on 8-bit RGB images: gains r = U(-1, 1) * (hgain, sgain, vgain); the image goes to
/// OpenCV's 8-bit HSV (H in [0, 180), S and V in [0, 255]); H is shifted by r_h * 180 (mod 180), S and V are
/// multiplied by 1 + r (clipped), all through 256-entry look-up tables truncated to bytes; then back to RGB.
/// Our own per-pixel code reproduces cvtColor's integer RGB-&gt;HSV exactly and its float HSV-&gt;RGB, so the result
/// agrees with the cvtColor + LUT reference within one level (tested).
/// </summary>
public static class HsvAugment
{
    private const int HsvShift = 12;
    private static readonly int[] SDiv = BuildSDiv();
    private static readonly int[] HDiv = BuildHDiv();

    private static int[] BuildSDiv()
    {
        var t = new int[256];
        for (int i = 1; i < 256; i++) t[i] = (int)Math.Round((255 << HsvShift) / (double)i, MidpointRounding.ToEven);
        return t;
    }

    private static int[] BuildHDiv()
    {
        var t = new int[256];
        for (int i = 1; i < 256; i++) t[i] = (int)Math.Round((180 << HsvShift) / (6.0 * i), MidpointRounding.ToEven);
        return t;
    }

    /// <summary>Draws the three gains from <paramref name="rng"/> (always three draws) and applies them in place.</summary>
    public static void Apply(Mat image, float hgain, float sgain, float vgain, ref RandomStream rng)
    {
        var (rh, rs, rv) = DrawGains(hgain, sgain, vgain, ref rng);
        if (hgain == 0 && sgain == 0 && vgain == 0) return;
        ApplyGains(image, rh, rs, rv);
    }

    /// <summary>The three draws of <see cref="Apply"/>: r = U(-1, 1) * gain for hue, saturation, value.</summary>
    public static (float Rh, float Rs, float Rv) DrawGains(float hgain, float sgain, float vgain, ref RandomStream rng)
    {
        float rh = rng.Uniform(-1f, 1f) * hgain, rs = rng.Uniform(-1f, 1f) * sgain, rv = rng.Uniform(-1f, 1f) * vgain;
        return (rh, rs, rv);
    }

    /// <summary>The three look-up tables for gains r (hue, saturation, value), as Ultralytics builds them.</summary>
    public static (byte[] Hue, byte[] Sat, byte[] Val) Tables(float rh, float rs, float rv) => AugmentMath.HsvTables(rh, rs, rv);

    /// <summary>Applies given gains (r, not 1 + r) in place on an RGB image.</summary>
    public static unsafe void ApplyGains(Mat image, float rh, float rs, float rv)
    {
        if (image.Type() != MatType.CV_8UC3) throw new ArgumentException($"expected an 8-bit RGB image, got {image.Type()}");
        var (lh, ls, lv) = Tables(rh, rs, rv);
        int rows = image.Rows, cols = image.Cols;
        byte* data = image.DataPointer;
        long step = image.Step();
        fixed (int* sdiv = SDiv, hdiv = HDiv)
        fixed (byte* th = lh, ts = ls, tv = lv)
        {
            for (int y = 0; y < rows; y++)
            {
                byte* p = data + y * step;
                for (int x = 0; x < cols; x++, p += 3)
                {
                    RgbToHsv8(p[0], p[1], p[2], sdiv, hdiv, out int h, out int s, out int v);
                    HsvToRgb8(th[h], ts[s], tv[v], p);
                }
            }
        }
    }

    /// <summary>OpenCV's RGB2HSV for 8-bit (hrange 180), in integer arithmetic.</summary>
    private static unsafe void RgbToHsv8(int r, int g, int b, int* sdiv, int* hdiv, out int h, out int s, out int v)
    {
        v = Math.Max(b, Math.Max(g, r));
        int vmin = Math.Min(b, Math.Min(g, r));
        int diff = v - vmin;
        int vr = v == r ? -1 : 0, vg = v == g ? -1 : 0;
        s = (diff * sdiv[v] + (1 << (HsvShift - 1))) >> HsvShift;
        int hh = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
        hh = (hh * hdiv[diff] + (1 << (HsvShift - 1))) >> HsvShift;
        hh += hh < 0 ? 180 : 0;
        h = hh;
    }

    /// <summary>OpenCV's HSV2RGB for 8-bit: to float, the sector formula, then round to even.</summary>
    private static unsafe void HsvToRgb8(byte h8, byte s8, byte v8, byte* dst)
    {
        float h = h8, s = s8 * (1f / 255f), v = v8 * (1f / 255f);
        float r, g, b;
        if (s == 0)
        {
            r = g = b = v;
        }
        else
        {
            h *= 6f / 180f;
            while (h < 0) h += 6;
            while (h >= 6) h -= 6;
            int sector = (int)MathF.Floor(h);
            h -= sector;
            if ((uint)sector >= 6u) { sector = 0; h = 0; }
            float t0 = v, t1 = v * (1f - s), t2 = v * (1f - s * h), t3 = v * (1f - s * (1f - h));
            // OpenCV's sector table gives (b, g, r) as indices into (t0, t1, t2, t3).
            (b, g, r) = sector switch
            {
                0 => (t1, t3, t0),
                1 => (t1, t0, t2),
                2 => (t3, t0, t1),
                3 => (t0, t2, t1),
                4 => (t0, t1, t3),
                _ => (t2, t1, t0),
            };
        }
        dst[0] = ToByte(r * 255f);
        dst[1] = ToByte(g * 255f);
        dst[2] = ToByte(b * 255f);
    }

    private static byte ToByte(float x)
    {
        int i = (int)MathF.Round(x, MidpointRounding.ToEven);
        return (byte)(i < 0 ? 0 : i > 255 ? 255 : i);
    }
}
