using System.Runtime.InteropServices;
using OpenCvSharp;
using VisionCuda.Backends;
using VisionCuda.Cpu;
using VisionCuda.Vision.Detection;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Tests.Detection;

/// <summary>
/// The Cpu backend's AugmentBatch (plain C# port in VisionCuda.Core, no OpenCV) against the oracle the loader's Cpu
/// path runs: Warp.WarpAffine / WarpPerspective, DetectAugment.Blend, HsvAugment.ApplyGains, Cv2.Flip and the /255
/// conversion, bit for bit, over random Ultralytics-style matrices (many sample points outside the source).
/// </summary>
public class AugmentBatchOpTests
{
    private sealed record Spec(int Src, double[] M, bool Persp, int? Src2, double[]? M2, bool Persp2, double R, bool Hsv,
        float Rh, float Rs, float Rv, bool Ud, bool Lr);

    private static List<Spec> RandomSpecs(int count, int seed, (int W, int H)[] sizes, int outW, int outH)
    {
        var rng = new System.Random(seed);
        double U(double a, double b) => a + (b - a) * rng.NextDouble();
        double[] Matrix((int W, int H) s, bool persp) => DetectAugment.PerspectiveMatrix(s.W, s.H, outW, outH,
            persp ? U(-0.002, 0.002) : 0, persp ? U(-0.002, 0.002) : 0, U(-30, 30), U(0.4, 1.6), U(-10, 10), U(-10, 10), U(0.2, 0.8), U(0.2, 0.8));
        var specs = new List<Spec>();
        for (int i = 0; i < count; i++)
        {
            int a = rng.Next(sizes.Length), b = rng.Next(sizes.Length);
            bool pa = rng.Next(2) == 0, pb = rng.Next(2) == 0, mix = rng.Next(3) == 0, hsv = rng.Next(4) != 0;
            specs.Add(new Spec(a, Matrix(sizes[a], pa), pa, mix ? b : null, mix ? Matrix(sizes[b], pb) : null, pb, U(0.3, 0.7), hsv,
                (float)U(-0.02, 0.02), (float)U(-0.8, 0.8), (float)U(-0.5, 0.5), rng.Next(4) == 0, rng.Next(2) == 0));
        }
        return specs;
    }

    private static Mat Oracle(Mat[] sources, Spec s, int w, int h)
    {
        var img = DetectAugment.WarpImage(sources[s.Src], s.M, w, h, s.Persp);
        if (s.Src2 is int b)
        {
            using var second = DetectAugment.WarpImage(sources[b], s.M2!, w, h, s.Persp2);
            DetectAugment.Blend(img, second, s.R);
        }
        if (s.Hsv) HsvAugment.ApplyGains(img, s.Rh, s.Rs, s.Rv);
        if (s.Ud) Cv2.Flip(img, img, FlipMode.X);
        if (s.Lr) Cv2.Flip(img, img, FlipMode.Y);
        return img;
    }

    private static float[] RunOp(Mat[] sources, List<Spec> specs, int w, int h)
    {
        var offsets = new long[sources.Length];
        var bytes = new List<byte>();
        for (int i = 0; i < sources.Length; i++)
        {
            offsets[i] = bytes.Count;
            bytes.AddRange(TestImages.Bytes(sources[i]));
        }
        WarpSource Src(int i, double[] m, bool p) => AugmentMath.Source(offsets[i], sources[i].Cols, sources[i].Rows, m, p);
        var rows = specs.Select(s => new AugmentImage(Src(s.Src, s.M, s.Persp), s.Src2 is int b ? Src(b, s.M2!, s.Persp2) : null,
            s.R, s.Hsv, s.Rh, s.Rs, s.Rv, s.Ud, s.Lr)).ToArray();
        using var cpu = new CpuBackend(threads: 2);
        var src = cpu.Allocate((bytes.Count + 3) / 4, DType.Int32);
        var dst = cpu.Allocate((long)rows.Length * 3 * h * w);
        try
        {
            cpu.Upload<byte>(bytes.ToArray(), src);
            cpu.AugmentBatch(src, rows, dst, h, w);
            var r = new float[dst.Count];
            cpu.Download<float>(dst, r);
            return r;
        }
        finally
        {
            src.Release();
            dst.Release();
        }
    }

    [Theory]
    [InlineData(48, 40, 11)]
    [InlineData(33, 57, 12)]
    public void CpuOpEqualsTheWarpBlendHsvFlipOracle(int w, int h, int seed)
    {
        var sizes = new[] { (W: 61, H: 47), (W: 96, H: 96), (W: 30, H: 70) };
        var sources = sizes.Select((s, i) => WarpTests.Noise(s.W, s.H, seed * 10 + i)).ToArray();
        try
        {
            var specs = RandomSpecs(24, seed, sizes, w, h);
            var op = RunOp(sources, specs, w, h);
            int size = 3 * h * w;
            int mixed = 0;
            for (int i = 0; i < specs.Count; i++)
            {
                using var expected = Oracle(sources, specs[i], w, h);
                var e = ChwConverter.ToChw(expected, Normalization.None);
                var got = op.AsSpan(i * size, size);
                int bad = -1;
                for (int k = 0; k < size && bad < 0; k++) if (BitConverter.SingleToInt32Bits(got[k]) != BitConverter.SingleToInt32Bits(e[k])) bad = k;
                Assert.True(bad < 0, $"image {i} ({specs[i]}): element {bad}: op {(bad >= 0 ? got[bad] * 255 : 0)} vs oracle {(bad >= 0 ? e[bad] * 255 : 0)}");
                if (specs[i].Src2 != null) mixed++;
            }
            Assert.True(mixed > 0, "the random set should include mixup");
        }
        finally
        {
            foreach (var s in sources) s.Dispose();
        }
    }

    [Fact]
    public void SingularPerspectiveIsAllBorderLikeWarpPerspective()
    {
        using var src = WarpTests.Noise(20, 16, 1);
        double[] m = [1, 2, 3, 2, 4, 6, 0, 0, 1];
        var spec = new Spec(0, m, true, null, null, false, 0, false, 0, 0, 0, false, false);
        using var expected = Oracle([src], spec, 9, 7);
        var op = RunOp([src], [spec], 9, 7);
        Assert.Equal(ChwConverter.ToChw(expected, Normalization.None), op);
        Assert.All(op, v => Assert.Equal(114 * (1f / 255f), v));
    }
}
