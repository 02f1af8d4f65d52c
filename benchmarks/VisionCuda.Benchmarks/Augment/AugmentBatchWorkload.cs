using System.Runtime.InteropServices;
using OpenCvSharp;
using VisionCuda.Backends;
using VisionCuda.Bench;
using VisionCuda.Vision.Detection;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Benchmarks.Augment;

/// <summary>
/// One training batch as the mosaic pipeline leaves it for the last steps: 8 mosaic canvases of 2S x 2S (S = 640), each
/// warped to S x S by a RandomPerspective-style affine matrix (rotation, scale, shear, translation), 2 of the 8 mixed
/// up with another canvas, HSV gains on all, left-right flips on half. Builds the same float batch three ways:
/// per sample with VisionCuda.Vision's Warp/Blend/HsvAugment/Cv2.Flip/ToChw (what a loader worker does today),
/// and with a backend's AugmentBatch op.
/// </summary>
internal sealed class AugmentBatchWorkload : IDisposable
{
    public const int Batch = 8, Size = 640;

    public Mat[] Canvases { get; }
    public AugmentImage[] Rows { get; }
    public byte[] Sources { get; }
    private readonly double[][] _forward;

    public AugmentBatchWorkload()
    {
        Canvases = Enumerable.Range(0, Batch).Select(i => Noise(2 * Size, 2 * Size, i)).ToArray();
        long canvasBytes = 3L * 4 * Size * Size;
        Sources = new byte[Batch * canvasBytes];
        for (int i = 0; i < Batch; i++) Bytes(Canvases[i]).CopyTo(Sources.AsSpan((int)(i * canvasBytes)));
        var rng = new System.Random(5);
        double U(double a, double b) => a + (b - a) * rng.NextDouble();
        _forward = new double[Batch][];
        Rows = new AugmentImage[Batch];
        for (int i = 0; i < Batch; i++)
            _forward[i] = DetectAugment.PerspectiveMatrix(2 * Size, 2 * Size, Size, Size, 0, 0, U(-10, 10), U(0.5, 1.5), U(-2, 2), U(-2, 2), U(0.4, 0.6), U(0.4, 0.6));
        for (int i = 0; i < Batch; i++)
        {
            var a = AugmentMath.Source(i * canvasBytes, 2 * Size, 2 * Size, _forward[i], false);
            int j = (i + 3) % Batch;
            var b = i % 4 == 1 ? AugmentMath.Source(j * canvasBytes, 2 * Size, 2 * Size, _forward[j], false) : null;
            Rows[i] = new AugmentImage(a, b, 0.5 + 0.05 * i, true, (float)U(-0.015, 0.015), (float)U(-0.7, 0.7), (float)U(-0.4, 0.4), false, i % 2 == 0);
        }
    }

    /// <summary>Bytes moved by one batch: every canvas read once at most (a bound, the warp reads a crop) plus the floats.</summary>
    public static double BytesPerBatch => Batch * (3.0 * 4 * Size * Size + 3.0 * Size * Size * 4);

    /// <summary>Sample <paramref name="i"/> through the Vision path into <paramref name="dst"/> (3*S*S floats).</summary>
    public void PerSample(int i, Span<float> dst)
    {
        var r = Rows[i];
        using var img = DetectAugment.WarpImage(Canvases[i], _forward[i], Size, Size, false);
        if (r.Mix != null)
        {
            int j = (i + 3) % Batch;
            using var second = DetectAugment.WarpImage(Canvases[j], _forward[j], Size, Size, false);
            DetectAugment.Blend(img, second, r.MixRatio);
        }
        HsvAugment.ApplyGains(img, r.HueGain, r.SatGain, r.ValGain);
        if (r.FlipLR) Cv2.Flip(img, img, FlipMode.Y);
        ChwConverter.ToChw(img, dst, Normalization.None);
    }

    /// <summary>The op's batch on <paramref name="backend"/> (sources already there) into <paramref name="output"/>.</summary>
    public void Op(IBackend backend, Storage sources, Storage output) => backend.Detection().AugmentBatch(sources, Rows, output, Size, Size);

    public Storage Upload(IBackend backend)
    {
        var s = backend.Allocate((Sources.Length + 3) / 4, DType.Int32);
        backend.Upload<byte>(Sources, s);
        return s;
    }

    /// <summary>Throws unless <paramref name="got"/> equals the per-sample batch bit for bit (checked before timing).</summary>
    public void Require(string what, float[] got)
    {
        var expected = new float[Batch * 3 * Size * Size];
        for (int i = 0; i < Batch; i++) PerSample(i, expected.AsSpan(i * 3 * Size * Size, 3 * Size * Size));
        var a = MemoryMarshal.Cast<float, int>(expected);
        var b = MemoryMarshal.Cast<float, int>(got.AsSpan());
        for (int k = 0; k < a.Length; k++)
            if (a[k] != b[k]) throw new KernelMismatchException($"{what}: element {k}: {got[k] * 255} vs per-sample {expected[k] * 255}");
        Console.WriteLine($"// check {what}: bitwise equal to the per-sample Vision path");
    }

    private static unsafe byte[] Bytes(Mat m) => new ReadOnlySpan<byte>(m.DataPointer, m.Rows * m.Cols * 3).ToArray();

    private static unsafe Mat Noise(int w, int h, int seed)
    {
        var m = new Mat(h, w, MatType.CV_8UC3);
        var rng = new System.Random(seed);
        byte* p = m.DataPointer;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++, p += 3)
            {
                p[0] = (byte)((x * 255 / w + rng.Next(32)) & 255);
                p[1] = (byte)((y * 255 / h + rng.Next(32)) & 255);
                p[2] = (byte)rng.Next(256);
            }
        return m;
    }

    public void Dispose()
    {
        foreach (var c in Canvases) c.Dispose();
    }
}
