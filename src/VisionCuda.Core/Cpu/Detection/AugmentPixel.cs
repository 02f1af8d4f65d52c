using VisionCuda.Backends;

namespace VisionCuda.Cpu.Detection;

/// <summary>
/// The per-pixel arithmetic of <see cref="IDetectionOps.AugmentBatch"/> as plain scalar C#: OpenCV's fixed-point sample
/// positions for warpAffine / warpPerspective (1/32 pixel, cvRound of the double position), its 15-bit bilinear
/// weights with the constant border, OpenCV's integer 8-bit RGB-&gt;HSV and float HSV-&gt;RGB, and the mixup blend.
/// kernels/augment.cu and the Ilgpu kernel are ports of this file, line for line; VisionCuda.Vision's Warp and
/// HsvAugment are the oracle it is tested against. .NET never contracts a*b+c into an FMA, so the float and double
/// expressions below round exactly as written; the device ports spell the same operations out as non-contracted.
/// </summary>
internal static unsafe class AugmentPixel
{
    public const int InterBits = 5, TabSize = 1 << InterBits, AbBits = 10, AbScale = 1 << AbBits;
    private const int HsvShift = 12;
    private static readonly int[] SDiv = Enumerable.Range(0, 256).Select(v => DivRound(255 << HsvShift, v)).ToArray();
    private static readonly int[] HDiv = Enumerable.Range(0, 256).Select(d => DivRound(180 << HsvShift, 6 * d)).ToArray();

    // warpAffine: X = (AffineRow(y).X0 + AffineColumn(x).DX) >> 5, the same for Y (OpenCV tabulates the column terms).

    /// <summary>warpAffine's per-row term of the sample position: cvRound((i1*y + i2) * 1024) + 16 (and for Y).</summary>
    public static void AffineRow(double* inv, int y, out int x0, out int y0)
    {
        const int roundDelta = AbScale / TabSize / 2;
        x0 = AugmentMath.RoundToInt((inv[1] * y + inv[2]) * AbScale) + roundDelta;
        y0 = AugmentMath.RoundToInt((inv[4] * y + inv[5]) * AbScale) + roundDelta;
    }

    /// <summary>warpAffine's per-column term: cvRound(i0 * x * 1024) (and i3 for Y).</summary>
    public static void AffineColumn(double* inv, int x, out int dx, out int dy)
    {
        dx = AugmentMath.RoundToInt(inv[0] * x * AbScale);
        dy = AugmentMath.RoundToInt(inv[3] * x * AbScale);
    }

    /// <summary>warpPerspective's sample position in 1/32 pixel of pixel x of the row whose terms are
    /// bx = i1*y + i2, by = i4*y + i5, bw = i7*y + i8.</summary>
    public static void Perspective(double* inv, double bx, double by, double bw, int x, out int X, out int Y)
    {
        double w = bw + inv[6] * x;
        w = w != 0 ? TabSize / w : 0;
        double fx = Math.Max(int.MinValue, Math.Min(int.MaxValue, (bx + inv[0] * x) * w));
        double fy = Math.Max(int.MinValue, Math.Min(int.MaxValue, (by + inv[3] * x) * w));
        X = AugmentMath.RoundToInt(fx);
        Y = AugmentMath.RoundToInt(fy);
    }

    /// <summary>Bilinear tap of the RGB source at (X, Y) in 1/32 pixel into rgb[0..2]; taps outside take the border.</summary>
    public static void Sample(byte* src, int sw, int sh, int X, int Y, int* rgb)
    {
        int sx = X >> InterBits, sy = Y >> InterBits;
        if (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0)
        {
            rgb[0] = rgb[1] = rgb[2] = AugmentImage.Border;
            return;
        }
        int ax = X & (TabSize - 1), ay = Y & (TabSize - 1);
        int w00 = (TabSize - ax) * (TabSize - ay) * 32, w01 = ax * (TabSize - ay) * 32;
        int w10 = (TabSize - ax) * ay * 32, w11 = ax * ay * 32;
        if ((uint)sx < (uint)(sw - 1) && (uint)sy < (uint)(sh - 1))
        {
            // all four taps inside (the common case): no border selects
            byte* p0 = src + ((long)sy * sw + sx) * 3, p1 = p0 + (long)sw * 3;
            for (int c = 0; c < 3; c++)
            {
                int v = (p0[c] * w00 + p0[3 + c] * w01 + p1[c] * w10 + p1[3 + c] * w11 + (1 << 14)) >> 15;
                rgb[c] = v < 0 ? 0 : v > 255 ? 255 : v;
            }
            return;
        }
        bool y0in = (uint)sy < (uint)sh, y1in = (uint)(sy + 1) < (uint)sh;
        bool x0in = (uint)sx < (uint)sw, x1in = (uint)(sx + 1) < (uint)sw;
        byte* r0 = src + ((long)sy * sw + sx) * 3, r1 = r0 + (long)sw * 3;
        for (int c = 0; c < 3; c++)
        {
            int v00 = y0in && x0in ? r0[c] : AugmentImage.Border;
            int v01 = y0in && x1in ? r0[3 + c] : AugmentImage.Border;
            int v10 = y1in && x0in ? r1[c] : AugmentImage.Border;
            int v11 = y1in && x1in ? r1[3 + c] : AugmentImage.Border;
            int v = (v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11 + (1 << 14)) >> 15;
            rgb[c] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
    }

    /// <summary>Ultralytics' MixUp on one value: trunc(a * r + b * (1 - r)) in float.</summary>
    public static int Blend(int a, int b, float r, float oneMinusR) => (int)(a * r + b * oneMinusR);

    /// <summary>OpenCV's 8-bit RGB-&gt;HSV (hrange 180) in integer arithmetic with its divisor tables
    /// (sdiv[v] = cvRound((255 &lt;&lt; 12) / v), hdiv[d] = cvRound((180 &lt;&lt; 12) / (6d)); the device kernels compute
    /// the entries inline with <see cref="DivRound"/>, which gives the same integers).</summary>
    public static void RgbToHsv(int r, int g, int b, out int h, out int s, out int v)
    {
        v = Math.Max(b, Math.Max(g, r));
        int vmin = Math.Min(b, Math.Min(g, r));
        int diff = v - vmin;
        int vr = v == r ? -1 : 0, vg = v == g ? -1 : 0;
        s = (diff * SDiv[v] + (1 << (HsvShift - 1))) >> HsvShift;
        int hh = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
        hh = (hh * HDiv[diff] + (1 << (HsvShift - 1))) >> HsvShift;
        hh += hh < 0 ? 180 : 0;
        h = hh;
    }

    /// <summary>round-half-even(n / d) for n &gt;= 0, d &gt;= 0; 0 when d is 0 (OpenCV's table entry for 0).</summary>
    public static int DivRound(int n, int d)
    {
        if (d == 0) return 0;
        int q = n / d, rem = n - q * d;
        if (2 * rem > d || (2 * rem == d && (q & 1) != 0)) q++;
        return q;
    }

    /// <summary>OpenCV's 8-bit HSV-&gt;RGB: to float, the sector formula, round half to even, saturate.</summary>
    public static void HsvToRgb(int h8, int s8, int v8, int* rgb)
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
        rgb[0] = ToByte(r * 255f);
        rgb[1] = ToByte(g * 255f);
        rgb[2] = ToByte(b * 255f);
    }

    private static int ToByte(float x)
    {
        int i = (int)MathF.Round(x, MidpointRounding.ToEven);
        return i < 0 ? 0 : i > 255 ? 255 : i;
    }
}
