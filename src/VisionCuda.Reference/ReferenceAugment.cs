namespace VisionCuda.Reference;

/// <summary>How a <see cref="RefWarp"/> maps output pixels to source positions (IBackend's WarpMode, kept apart).</summary>
public enum RefWarpMode { Affine, Perspective, Border }

/// <summary>One 8-bit HWC RGB source at byte Offset and the INVERSE warp (destination to source, row major).</summary>
public sealed record RefWarp(long Offset, int Width, int Height, RefWarpMode Mode, double[] Inverse);

/// <summary>One output image of the batch augment: warped source, optional mixup partner, HSV gains, flips.</summary>
public sealed record RefAugmentImage(RefWarp Source, RefWarp? Mix, double MixRatio, bool Hsv, float HueGain, float SatGain, float ValGain,
    bool FlipUD, bool FlipLR);

/// <summary>
/// The naive per-pixel oracle of IBackend.AugmentBatch: for every output pixel on its own, the flips, OpenCV's 1/32-pixel
/// sample position (warpAffine sums cvRound of its row and column terms; warpPerspective rounds the projected point),
/// 15-bit bilinear taps with a border of 114 tap by tap, Ultralytics' float mixup truncation, OpenCV's 8-bit HSV round
/// trip (integer RGB->HSV with its rounded divisors, float HSV->RGB) through Ultralytics' gain tables, and /255.
/// No row or column tabulation, no look-up tables kept between pixels, no threads: slow and plain on purpose. The
/// double expressions keep OpenCV's order of operations, because the sample position is a rounding of them.
/// </summary>
public static class ReferenceAugment
{
    private const byte BorderValue = 114;

    /// <summary>Output [images, 3, height, width] in [0, 1].</summary>
    public static float[] AugmentBatch(byte[] sources, IReadOnlyList<RefAugmentImage> images, int height, int width)
    {
        var y = new float[(long)images.Count * 3 * height * width];
        long plane = (long)height * width;
        for (int n = 0; n < images.Count; n++)
        {
            var im = images[n];
            for (int oy = 0; oy < height; oy++)
                for (int ox = 0; ox < width; ox++)
                {
                    int sx = im.FlipLR ? width - 1 - ox : ox, sy = im.FlipUD ? height - 1 - oy : oy;
                    var rgb = Sample(sources, im.Source, sx, sy);
                    if (im.Mix is not null)
                    {
                        var other = Sample(sources, im.Mix, sx, sy);
                        float r = (float)im.MixRatio, q = (float)(1 - im.MixRatio);
                        for (int c = 0; c < 3; c++) rgb[c] = (int)(rgb[c] * r + other[c] * q);
                    }
                    if (im.Hsv) rgb = HsvShift(rgb, im.HueGain, im.SatGain, im.ValGain);
                    for (int c = 0; c < 3; c++) y[(n * 3 + c) * plane + (long)oy * width + ox] = rgb[c] * (1f / 255f);
                }
        }
        return y;
    }

    private static int CvRound(double v)
    {
        double r = Math.Round(v, MidpointRounding.ToEven);
        return r >= int.MaxValue ? int.MaxValue : r <= int.MinValue ? int.MinValue : (int)r;
    }

    /// <summary>The bilinear sample at output pixel (x, y) of one warped source.</summary>
    private static int[] Sample(byte[] src, RefWarp s, int x, int y)
    {
        var m = s.Inverse;
        int X, Y;
        switch (s.Mode)
        {
            case RefWarpMode.Affine:
                X = (CvRound((m[1] * y + m[2]) * 1024) + 16 + CvRound(m[0] * x * 1024)) >> 5;
                Y = (CvRound((m[4] * y + m[5]) * 1024) + 16 + CvRound(m[3] * x * 1024)) >> 5;
                break;
            case RefWarpMode.Perspective:
                double w = m[7] * y + m[8] + m[6] * x;
                w = w != 0 ? 32 / w : 0;
                X = CvRound(Math.Clamp((m[1] * y + m[2] + m[0] * x) * w, int.MinValue, int.MaxValue));
                Y = CvRound(Math.Clamp((m[4] * y + m[5] + m[3] * x) * w, int.MinValue, int.MaxValue));
                break;
            default:
                return [BorderValue, BorderValue, BorderValue];
        }
        int x0 = X >> 5, y0 = Y >> 5, ax = X & 31, ay = Y & 31;
        var rgb = new int[3];
        for (int c = 0; c < 3; c++)
        {
            int Tap(int tx, int ty) =>
                tx >= 0 && tx < s.Width && ty >= 0 && ty < s.Height ? src[s.Offset + ((long)ty * s.Width + tx) * 3 + c] : BorderValue;
            int v = (Tap(x0, y0) * (32 - ax) * (32 - ay) * 32 + Tap(x0 + 1, y0) * ax * (32 - ay) * 32
                     + Tap(x0, y0 + 1) * (32 - ax) * ay * 32 + Tap(x0 + 1, y0 + 1) * ax * ay * 32 + (1 << 14)) >> 15;
            rgb[c] = Math.Clamp(v, 0, 255);
        }
        return rgb;
    }

    /// <summary>round-half-even(n / d), 0 for d = 0: OpenCV's divisor table entries.</summary>
    private static int DivRound(int n, int d) => d == 0 ? 0 : (int)Math.Round((double)n / d, MidpointRounding.ToEven);

    private static int[] HsvShift(int[] rgb, float rh, float rs, float rv)
    {
        int r = rgb[0], g = rgb[1], b = rgb[2];
        // OpenCV RGB2HSV_b, hrange 180, 12-bit fixed point
        int v = Math.Max(r, Math.Max(g, b)), diff = v - Math.Min(r, Math.Min(g, b));
        int s = (diff * DivRound(255 << 12, v) + (1 << 11)) >> 12;
        int h = v == r ? g - b : v == g ? b - r + 2 * diff : r - g + 4 * diff;
        h = (h * DivRound(180 << 12, 6 * diff) + (1 << 11)) >> 12;
        if (h < 0) h += 180;
        // Ultralytics RandomHSV: hue (x + r*180) mod 180, sat/val x*(1 + r) clipped, truncated to bytes; sat 0 stays 0
        double hh = (h + (double)rh * 180) % 180;
        if (hh < 0) hh += 180;
        int h2 = (int)hh;
        int s2 = s == 0 ? 0 : (int)Math.Clamp(s * (rs + 1.0), 0, 255);
        int v2 = (int)Math.Clamp(v * (rv + 1.0), 0, 255);
        return HsvToRgb(h2, s2, v2);
    }

    /// <summary>OpenCV HSV2RGB_b: to float, the sector formula, round half to even, saturate.</summary>
    private static int[] HsvToRgb(int h8, int s8, int v8)
    {
        float h = h8, s = s8 * (1f / 255f), v = v8 * (1f / 255f), r, g, b;
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
            if (sector < 0 || sector >= 6) { sector = 0; h = 0; }
            float t0 = v, t1 = v * (1f - s), t2 = v * (1f - s * h), t3 = v * (1f - s * (1f - h));
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
        static int ToByte(float f) => Math.Clamp((int)MathF.Round(f, MidpointRounding.ToEven), 0, 255);
        return [ToByte(r * 255f), ToByte(g * 255f), ToByte(b * 255f)];
    }
}
