using VisionCuda.Backends;
using VisionCuda.Cpu.Detection;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// <see cref="IDetectionOps.AugmentBatch"/> on the Cpu: the scalar per-pixel code of <see cref="AugmentPixel"/>, parallel over
/// output rows (fixed chunks; every pixel is independent, so any partition gives the same bytes). The HSV look-up
/// tables are built once per image before the rows run.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void AugmentBatch(Storage sources, IReadOnlyList<AugmentImage> images, Storage output, int height, int width)
    {
        int n = images.Count;
        if (n == 0 || height <= 0 || width <= 0) return;
        byte* src = (byte*)C(sources).Pointer;
        long srcBytes = C(sources).Bytes;
        float* dst = P(output);
        var luts = new byte[n][];
        var columns = new (int[]? A, int[]? B)[n];
        for (int i = 0; i < n; i++)
        {
            var im = images[i];
            Check(im.Source, srcBytes);
            if (im.Mix != null) Check(im.Mix, srcBytes);
            columns[i] = (AffineColumns(im.Source, width), im.Mix != null ? AffineColumns(im.Mix, width) : null);
            if (!im.Hsv) continue;
            var (hue, sat, val) = AugmentMath.HsvTables(im.HueGain, im.SatGain, im.ValGain);
            luts[i] = [.. hue, .. sat, .. val];
        }
        long plane = (long)height * width;
        CpuParallel.For(Threads, (long)n * height, CpuParallel.GrainFor(width * 40L), (s, e) =>
        {
            for (long row = s; row < e; row++)
            {
                int i = (int)(row / height), y = (int)(row % height);
                Row(images[i], luts[i], columns[i].A, columns[i].B, src, dst + i * 3 * plane, plane, y, width, height);
            }
        });
    }

    /// <summary>warpAffine's column terms (dx, dy) for x in [0, width), tabulated once per image as OpenCV does.</summary>
    private static int[]? AffineColumns(WarpSource s, int width)
    {
        if (s.Mode != WarpMode.Affine) return null;
        var t = new int[2 * width];
        fixed (double* inv = s.Inverse)
            for (int x = 0; x < width; x++) AugmentPixel.AffineColumn(inv, x, out t[2 * x], out t[2 * x + 1]);
        return t;
    }

    private static void Check(WarpSource s, long sourceBytes)
    {
        if (s.Offset < 0 || s.Width <= 0 || s.Height <= 0 || s.Offset + s.Bytes > sourceBytes)
            throw new ArgumentException($"augment source at byte {s.Offset} ({s.Width}x{s.Height} RGB) is outside the sources ({sourceBytes} bytes)");
        if (s.Inverse.Length < (s.Mode == WarpMode.Affine ? 6 : 9))
            throw new ArgumentException("augment source matrix is too short for its mode");
    }

    /// <summary>One output row y of one image: pre-flip pixel, sample(s), blend, HSV, /255.</summary>
    private static void Row(AugmentImage im, byte[]? lut, int[]? colA, int[]? colB, byte* src, float* dst, long plane, int y, int width, int height)
    {
        float r = (float)im.MixRatio, q = (float)(1 - im.MixRatio);
        int sy = im.FlipUD ? height - 1 - y : y;
        int* pa = stackalloc int[3];
        int* pb = stackalloc int[3];
        var a = new RowSampler(im.Source, src, sy);
        var b = im.Mix != null ? new RowSampler(im.Mix, src, sy) : default;
        fixed (double* ia = im.Source.Inverse, ib = im.Mix?.Inverse)
        fixed (int* ca = colA, cb = colB)
        fixed (byte* t = lut)
        {
            for (int x = 0; x < width; x++)
            {
                int sx = im.FlipLR ? width - 1 - x : x;
                a.Sample(ia, ca, sx, pa);
                if (im.Mix != null)
                {
                    b.Sample(ib, cb, sx, pb);
                    for (int c = 0; c < 3; c++) pa[c] = AugmentPixel.Blend(pa[c], pb[c], r, q);
                }
                if (t != null)
                {
                    AugmentPixel.RgbToHsv(pa[0], pa[1], pa[2], out int h, out int s, out int v);
                    AugmentPixel.HsvToRgb(t[h], t[256 + s], t[512 + v], pa);
                }
                long o = (long)y * width + x;
                dst[o] = pa[0] * (1f / 255f);
                dst[plane + o] = pa[1] * (1f / 255f);
                dst[2 * plane + o] = pa[2] * (1f / 255f);
            }
        }
    }

    /// <summary>One source's sampling along one output row: the row terms of the position computed once.</summary>
    private readonly struct RowSampler
    {
        private readonly WarpMode _mode;
        private readonly byte* _src;
        private readonly int _w, _h, _x0, _y0;
        private readonly double _bx, _by, _bw;

        public RowSampler(WarpSource s, byte* sources, int y)
        {
            _mode = s.Mode; _src = sources + s.Offset; _w = s.Width; _h = s.Height;
            _x0 = _y0 = 0; _bx = _by = _bw = 0;
            fixed (double* inv = s.Inverse)
            {
                if (_mode == WarpMode.Affine) AugmentPixel.AffineRow(inv, y, out _x0, out _y0);
                else { _bx = inv[1] * y + inv[2]; _by = inv[4] * y + inv[5]; _bw = inv[7] * y + inv[8]; }
            }
        }

        /// <summary>Pixel x of the row; <paramref name="columns"/> holds the affine column terms (dx, dy) per x.</summary>
        public void Sample(double* inv, int* columns, int x, int* rgb)
        {
            int X, Y;
            if (_mode == WarpMode.Affine)
            {
                X = (_x0 + columns[2 * x]) >> (AugmentPixel.AbBits - AugmentPixel.InterBits);
                Y = (_y0 + columns[2 * x + 1]) >> (AugmentPixel.AbBits - AugmentPixel.InterBits);
            }
            else if (_mode == WarpMode.Perspective)
            {
                AugmentPixel.Perspective(inv, _bx, _by, _bw, x, out X, out Y);
            }
            else
            {
                rgb[0] = rgb[1] = rgb[2] = AugmentImage.Border;
                return;
            }
            AugmentPixel.Sample(_src, _w, _h, X, Y, rgb);
        }
    }
}
