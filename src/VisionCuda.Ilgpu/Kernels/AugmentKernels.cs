using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// IDetectionOps.AugmentBatch: one thread per output pixel, a port of kernels/augment.cu (and of the Cpu backend's
/// AugmentPixel) over the table layout of VisionCuda.Backends.AugmentPacking: 32 doubles per image (inverse matrices,
/// source offset/size/mode, mixup weights, flags) and 768 bytes of HSV look-up tables. Rounding is spelled out with
/// Math.Floor (ties to even) so that no accelerator-specific Math.Round mapping is relied on.
/// </summary>
internal static class AugmentKernels
{
    private const int Stride = 32, Border = 114;

    public static void Batch(Index1D t, ArrayView<byte> src, ArrayView<double> table, ArrayView<byte> luts, ArrayView<float> output, AugmentArgs a)
    {
        long i = t;
        long plane = (long)a.H * a.W;
        int x = (int)(i % a.W);
        int y = (int)(i / a.W % a.H);
        int img = (int)(i / plane);
        long p = (long)img * Stride;
        int flags = (int)table[p + 28];
        int px = (flags & 4) != 0 ? a.W - 1 - x : x, py = (flags & 2) != 0 ? a.H - 1 - y : y;
        Sample(src, table, p, p + 18, px, py, out int r, out int g, out int b);
        if ((int)table[p + 25] >= 0)
        {
            Sample(src, table, p + 9, p + 22, px, py, out int r2, out int g2, out int b2);
            float wr = (float)table[p + 26], wq = (float)table[p + 27];
            r = (int)(r * wr + r2 * wq);
            g = (int)(g * wr + g2 * wq);
            b = (int)(b * wr + b2 * wq);
        }
        if ((flags & 1) != 0) Hsv(luts, (long)img * 768, ref r, ref g, ref b);
        long o = (long)img * 3 * plane + (long)y * a.W + x;
        output[o] = r * (1f / 255f);
        output[o + plane] = g * (1f / 255f);
        output[o + 2 * plane] = b * (1f / 255f);
    }

    /// <summary>cvRound: nearest, ties to even, saturated to int.</summary>
    private static int Round(double v)
    {
        double f = Math.Floor(v), d = v - f;
        if (d > 0.5 || (d == 0.5 && f - 2 * Math.Floor(f * 0.5) != 0)) f += 1;
        return f >= int.MaxValue ? int.MaxValue : f <= int.MinValue ? int.MinValue : (int)f;
    }

    private static void Sample(ArrayView<byte> src, ArrayView<double> m, long mi, long gi, int x, int y, out int r, out int g, out int b)
    {
        r = g = b = Border;
        int mode = (int)m[gi + 3];
        if (mode == 2) return;
        int X, Y;
        if (mode == 0)
        {
            int adelta = Round(m[mi] * x * 1024), bdelta = Round(m[mi + 3] * x * 1024);
            int x0 = Round((m[mi + 1] * y + m[mi + 2]) * 1024) + 16;
            int y0 = Round((m[mi + 4] * y + m[mi + 5]) * 1024) + 16;
            X = (x0 + adelta) >> 5;
            Y = (y0 + bdelta) >> 5;
        }
        else
        {
            double bx = m[mi + 1] * y + m[mi + 2], by = m[mi + 4] * y + m[mi + 5], bw = m[mi + 7] * y + m[mi + 8];
            double w = bw + m[mi + 6] * x;
            w = w != 0 ? 32.0 / w : 0;
            double fx = (bx + m[mi] * x) * w, fy = (by + m[mi + 3] * x) * w;
            fx = fx > int.MaxValue ? int.MaxValue : fx < int.MinValue ? int.MinValue : fx;
            fy = fy > int.MaxValue ? int.MaxValue : fy < int.MinValue ? int.MinValue : fy;
            X = Round(fx);
            Y = Round(fy);
        }
        int sw = (int)m[gi + 1], sh = (int)m[gi + 2];
        int sx = X >> 5, sy = Y >> 5;
        if (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0) return;
        int ax = X & 31, ay = Y & 31;
        int w00 = (32 - ax) * (32 - ay) * 32, w01 = ax * (32 - ay) * 32, w10 = (32 - ax) * ay * 32, w11 = ax * ay * 32;
        bool y0in = (uint)sy < (uint)sh, y1in = (uint)(sy + 1) < (uint)sh;
        bool x0in = (uint)sx < (uint)sw, x1in = (uint)(sx + 1) < (uint)sw;
        long r0 = (long)m[gi] + ((long)sy * sw + sx) * 3, r1 = r0 + (long)sw * 3;
        r = Tap(src, r0, r1, 0, y0in, y1in, x0in, x1in, w00, w01, w10, w11);
        g = Tap(src, r0, r1, 1, y0in, y1in, x0in, x1in, w00, w01, w10, w11);
        b = Tap(src, r0, r1, 2, y0in, y1in, x0in, x1in, w00, w01, w10, w11);
    }

    private static int Tap(ArrayView<byte> src, long r0, long r1, int c, bool y0in, bool y1in, bool x0in, bool x1in,
        int w00, int w01, int w10, int w11)
    {
        int v00 = y0in && x0in ? src[r0 + c] : Border;
        int v01 = y0in && x1in ? src[r0 + 3 + c] : Border;
        int v10 = y1in && x0in ? src[r1 + c] : Border;
        int v11 = y1in && x1in ? src[r1 + 3 + c] : Border;
        int v = (v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11 + (1 << 14)) >> 15;
        return v < 0 ? 0 : v > 255 ? 255 : v;
    }

    private static int DivRound(int n, int d)
    {
        if (d == 0) return 0;
        int q = n / d, rem = n - q * d;
        if (2 * rem > d || (2 * rem == d && (q & 1) != 0)) q++;
        return q;
    }

    private static int ToByte(float x)
    {
        float f = MathF.Floor(x), d = x - f;
        if (d > 0.5f || (d == 0.5f && f - 2 * MathF.Floor(f * 0.5f) != 0)) f += 1;
        int i = (int)f;
        return i < 0 ? 0 : i > 255 ? 255 : i;
    }

    private static void Hsv(ArrayView<byte> lut, long l, ref int r, ref int g, ref int b)
    {
        int v = Math.Max(b, Math.Max(g, r)), vmin = Math.Min(b, Math.Min(g, r));
        int diff = v - vmin;
        int vr = v == r ? -1 : 0, vg = v == g ? -1 : 0;
        int s = (diff * DivRound(255 << 12, v) + (1 << 11)) >> 12;
        int hh = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
        hh = (hh * DivRound(180 << 12, 6 * diff) + (1 << 11)) >> 12;
        hh += hh < 0 ? 180 : 0;
        float h = lut[l + hh], sf = lut[l + 256 + s] * (1f / 255f), vf = lut[l + 512 + v] * (1f / 255f);
        float rf, gf, bf;
        if (sf == 0)
        {
            rf = gf = bf = vf;
        }
        else
        {
            h *= 6f / 180f;
            while (h < 0) h += 6;
            while (h >= 6) h -= 6;
            int sector = (int)MathF.Floor(h);
            h -= sector;
            if ((uint)sector >= 6u) { sector = 0; h = 0; }
            float t0 = vf, t1 = vf * (1f - sf), t2 = vf * (1f - sf * h), t3 = vf * (1f - sf * (1f - h));
            if (sector == 0) { bf = t1; gf = t3; rf = t0; }
            else if (sector == 1) { bf = t1; gf = t0; rf = t2; }
            else if (sector == 2) { bf = t3; gf = t0; rf = t1; }
            else if (sector == 3) { bf = t0; gf = t2; rf = t1; }
            else if (sector == 4) { bf = t0; gf = t1; rf = t3; }
            else { bf = t2; gf = t1; rf = t0; }
        }
        r = ToByte(rf * 255f);
        g = ToByte(gf * 255f);
        b = ToByte(bf * 255f);
    }
}

internal struct AugmentArgs
{
    public int H, W;
}
