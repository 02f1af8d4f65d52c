using VisionCuda.Backends;
using VisionCuda.Cpu.Augment;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// <see cref="IBackend.AugmentBatch"/> on the Cpu: the scalar per-pixel code of <see cref="AugmentPixel"/>, parallel over
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
        for (int i = 0; i < n; i++)
        {
            var im = images[i];
            Check(im.Source, srcBytes);
            if (im.Mix != null) Check(im.Mix, srcBytes);
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
                Row(images[i], luts[i], src, dst + i * 3 * plane, plane, y, width, height);
            }
        });
    }

    private static void Check(WarpSource s, long sourceBytes)
    {
        if (s.Offset < 0 || s.Width <= 0 || s.Height <= 0 || s.Offset + s.Bytes > sourceBytes)
            throw new ArgumentException($"augment source at byte {s.Offset} ({s.Width}x{s.Height} RGB) is outside the sources ({sourceBytes} bytes)");
        if (s.Inverse.Length < (s.Mode == WarpMode.Affine ? 6 : 9))
            throw new ArgumentException("augment source matrix is too short for its mode");
    }

    /// <summary>One output row y of one image: pre-flip pixel, sample(s), blend, HSV, /255.</summary>
    private static void Row(AugmentImage im, byte[]? lut, byte* src, float* dst, long plane, int y, int width, int height)
    {
        var a = im.Source;
        var b = im.Mix;
        float r = (float)im.MixRatio, q = (float)(1 - im.MixRatio);
        int sy = im.FlipUD ? height - 1 - y : y;
        int* pa = stackalloc int[3];
        int* pb = stackalloc int[3];
        fixed (double* ia = a.Inverse, ib = b?.Inverse)
        fixed (byte* t = lut)
        {
            for (int x = 0; x < width; x++)
            {
                int sx = im.FlipLR ? width - 1 - x : x;
                SampleSource(a, ia, src, sx, sy, pa);
                if (b != null)
                {
                    SampleSource(b, ib, src, sx, sy, pb);
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

    private static void SampleSource(WarpSource s, double* inv, byte* src, int x, int y, int* rgb)
    {
        if (s.Mode == WarpMode.Border)
        {
            rgb[0] = rgb[1] = rgb[2] = AugmentImage.Border;
            return;
        }
        AugmentPixel.Position(s.Mode, inv, x, y, out int X, out int Y);
        AugmentPixel.Sample(src + s.Offset, s.Width, s.Height, X, Y, rgb);
    }
}
