using OpenCvSharp;
using VisionCuda.Backends;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// Our own bilinear warps on 8-bit HWC images with a constant border (114 by default, Ultralytics' pad value). This
/// is the Cpu oracle that the GPU augmentation kernels are checked against; it agrees with OpenCV's
/// <c>Cv2.WarpAffine</c> / <c>Cv2.WarpPerspective</c> (INTER_LINEAR, BORDER_CONSTANT) within one intensity level
/// (tested on noise images).
///
/// Matrices are the forward mapping (source pixel to destination pixel), as OpenCV takes them without
/// WARP_INVERSE_MAP; each destination pixel (x, y) samples the source at M^-1 (x, y), pixel centres at integers.
/// Like OpenCV, sample positions are quantised to 1/32 pixel and the weights are 15-bit fixed point, so the result
/// is reproducible bit for bit on any backend with integer arithmetic. Taps outside the source take the border value.
/// </summary>
public static class Warp
{
    public const byte DefaultBorder = 114;

    private const int InterBits = 5, TabSize = 1 << InterBits, AbBits = 10, AbScale = 1 << AbBits;

    /// <summary>Affine warp by the 2x3 row-major matrix <paramref name="m"/> (6 values). Returns a new Mat.</summary>
    public static unsafe Mat WarpAffine(Mat src, ReadOnlySpan<double> m, int dstWidth, int dstHeight, byte border = DefaultBorder)
    {
        if (m.Length < 6) throw new ArgumentException("an affine matrix has 6 values", nameof(m));
        CheckSource(src);
        var dst = new Mat(dstHeight, dstWidth, src.Type(), Scalar.All(border));
        // Invert exactly as OpenCV does, so sample positions round the same way (the same code the backends' op uses).
        var inv = AugmentMath.InvertAffine(m);
        double i0 = inv[0], i1 = inv[1], i2 = inv[2], i3 = inv[3], i4 = inv[4], i5 = inv[5];
        var adelta = new int[dstWidth];
        var bdelta = new int[dstWidth];
        for (int x = 0; x < dstWidth; x++)
        {
            adelta[x] = RoundToInt(i0 * x * AbScale);
            bdelta[x] = RoundToInt(i3 * x * AbScale);
        }
        const int roundDelta = AbScale / TabSize / 2;
        var ctx = new Sampler(src, dst, border);
        for (int y = 0; y < dstHeight; y++)
        {
            int x0 = RoundToInt((i1 * y + i2) * AbScale) + roundDelta;
            int y0 = RoundToInt((i4 * y + i5) * AbScale) + roundDelta;
            for (int x = 0; x < dstWidth; x++)
            {
                int X = (x0 + adelta[x]) >> (AbBits - InterBits);
                int Y = (y0 + bdelta[x]) >> (AbBits - InterBits);
                ctx.Sample(x, y, X, Y);
            }
        }
        return dst;
    }

    /// <summary>Perspective warp by the 3x3 row-major matrix <paramref name="m"/> (9 values). Returns a new Mat.</summary>
    public static unsafe Mat WarpPerspective(Mat src, ReadOnlySpan<double> m, int dstWidth, int dstHeight, byte border = DefaultBorder)
    {
        if (m.Length < 9) throw new ArgumentException("a perspective matrix has 9 values", nameof(m));
        CheckSource(src);
        var dst = new Mat(dstHeight, dstWidth, src.Type(), Scalar.All(border));
        Span<double> inv = stackalloc double[9];
        if (!Invert3x3(m, inv)) return dst;
        var ctx = new Sampler(src, dst, border);
        for (int y = 0; y < dstHeight; y++)
        {
            double bx = inv[1] * y + inv[2], by = inv[4] * y + inv[5], bw = inv[7] * y + inv[8];
            for (int x = 0; x < dstWidth; x++)
            {
                double w = bw + inv[6] * x;
                w = w != 0 ? TabSize / w : 0;
                double fx = Math.Max(int.MinValue, Math.Min(int.MaxValue, (bx + inv[0] * x) * w));
                double fy = Math.Max(int.MinValue, Math.Min(int.MaxValue, (by + inv[3] * x) * w));
                ctx.Sample(x, y, RoundToInt(fx), RoundToInt(fy));
            }
        }
        return dst;
    }

    private static void CheckSource(Mat src)
    {
        if (src.Depth() != MatType.CV_8U) throw new ArgumentException($"expected an 8-bit image, got {src.Type()}");
        if (src.Channels() is < 1 or > 4) throw new ArgumentException("1 to 4 channels");
    }

    /// <summary>cvRound: nearest, ties to even, saturated to int.</summary>
    private static int RoundToInt(double v) => AugmentMath.RoundToInt(v);

    /// <summary>Bilinear tap in fixed point: position X, Y in 1/32 pixel; weights in 1/32768 (OpenCV's remap
    /// tables for INTER_LINEAR, whose entries are exact so no sum correction is needed).</summary>
    private readonly unsafe struct Sampler
    {
        private readonly byte* _src, _dst;
        private readonly long _sstep, _dstep;
        private readonly int _sw, _sh, _cn;
        private readonly byte _border;

        public Sampler(Mat src, Mat dst, byte border)
        {
            _src = src.DataPointer; _dst = dst.DataPointer; _sstep = src.Step(); _dstep = dst.Step();
            _sw = src.Cols; _sh = src.Rows; _cn = src.Channels(); _border = border;
        }

        public void Sample(int x, int y, int X, int Y)
        {
            int sx = X >> InterBits, sy = Y >> InterBits;
            if (sx >= _sw || sx + 1 < 0 || sy >= _sh || sy + 1 < 0) return; // dst is pre-filled with the border
            int ax = X & (TabSize - 1), ay = Y & (TabSize - 1);
            int w00 = (TabSize - ax) * (TabSize - ay) * 32, w01 = ax * (TabSize - ay) * 32;
            int w10 = (TabSize - ax) * ay * 32, w11 = ax * ay * 32;
            int cn = _cn;
            byte* d = _dst + y * _dstep + x * cn;
            byte* r0 = _src + sy * _sstep;
            byte* r1 = r0 + _sstep;
            if ((uint)sx < (uint)(_sw - 1) && (uint)sy < (uint)(_sh - 1))
            {
                byte* p0 = r0 + sx * cn, p1 = r1 + sx * cn;
                for (int c = 0; c < cn; c++)
                {
                    int v = p0[c] * w00 + p0[c + cn] * w01 + p1[c] * w10 + p1[c + cn] * w11;
                    d[c] = Cast(v);
                }
                return;
            }
            bool y0in = (uint)sy < (uint)_sh, y1in = (uint)(sy + 1) < (uint)_sh;
            bool x0in = (uint)sx < (uint)_sw, x1in = (uint)(sx + 1) < (uint)_sw;
            for (int c = 0; c < cn; c++)
            {
                int v00 = y0in && x0in ? r0[sx * cn + c] : _border;
                int v01 = y0in && x1in ? r0[(sx + 1) * cn + c] : _border;
                int v10 = y1in && x0in ? r1[sx * cn + c] : _border;
                int v11 = y1in && x1in ? r1[(sx + 1) * cn + c] : _border;
                d[c] = Cast(v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11);
            }
        }

        private static byte Cast(int v)
        {
            v = (v + (1 << 14)) >> 15;
            return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }

    /// <summary>Inverse of a row-major 3x3 matrix; false when singular.</summary>
    public static bool Invert3x3(ReadOnlySpan<double> m, Span<double> inv) => AugmentMath.Invert3x3(m, inv);

    /// <summary>Row-major 3x3 product a * b.</summary>
    public static double[] Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var r = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
        return r;
    }
}
