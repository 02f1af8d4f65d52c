using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using OpenCvSharp;
using VisionCuda.Bench;
using VisionCuda.Benchmarks.Reporting;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Benchmarks.Augment;

/// <summary>
/// Detection augmentation at 640 on the Cpu (src/VisionCuda.Vision/Detection) against OpenCV in process
/// (OpenCvSharp, the baseline of each category), single images, 8-bit RGB:
/// - HSV: our per-pixel HsvAugment.ApplyGains vs Ultralytics' recipe cvtColor RGB2HSV, three LUTs, cvtColor back,
///   on 640x640 (both start with a copy of the source into the work image, since both work in place);
/// - warp-affine: our Warp.WarpAffine vs Cv2.WarpAffine (bilinear, border 114), 640x640 to 640x640, rotation 10
///   degrees, scale 0.9, shear and translation as RandomPerspective draws them;
/// - letterbox: DetectAugment.Letterbox vs Cv2.Resize + Cv2.CopyMakeBorder, 1280x720 to 640x640. Ours calls those
///   same two OpenCV functions, so this row measures our wrapper's overhead, not a different kernel.
/// [GlobalSetup] checks each of ours against OpenCV first (max difference 1 level for HSV and warp, 0 for letterbox)
/// and throws on a mismatch. GB/s counts the source and result bytes of one call.
/// </summary>
[Config(typeof(Config))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AugmentBenchmarks
{
    private const int Size = 640;
    private const float Rh = 0.012f, Rs = -0.45f, Rv = 0.3f;

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn(WorkOf));
    }

    private static (double, WorkUnit)? WorkOf(BenchmarkCase bc)
    {
        string category = bc.Descriptor.Categories.FirstOrDefault() ?? "";
        double bytes = category switch
        {
            "hsv" => 2.0 * Size * Size * 3,
            "warp-affine" => 2.0 * Size * Size * 3,
            "letterbox" => 1280.0 * 720 * 3 + (double)Size * Size * 3,
            _ => 0,
        };
        return bytes > 0 ? (bytes, WorkUnit.Bytes) : null;
    }

    private Mat _square = null!, _wide = null!, _work = null!, _affine = null!;
    private double[] _m = null!;
    private byte[] _lh = null!, _ls = null!, _lv = null!;
    private Mat _th = null!, _ts = null!, _tv = null!;

    [GlobalSetup]
    public void Setup()
    {
        _square = Noise(Size, Size, 1);
        _wide = Noise(1280, 720, 2);
        _work = new Mat(Size, Size, MatType.CV_8UC3);
        double a = 10 * Math.PI / 180, s = 0.9;
        _m = new[] { s * Math.Cos(a), s * Math.Sin(a) + 0.05, 40.0, -s * Math.Sin(a), s * Math.Cos(a), -25.0 };
        _affine = new Mat(2, 3, MatType.CV_64FC1);
        for (int i = 0; i < 6; i++) _affine.Set(i / 3, i % 3, _m[i]);
        (_lh, _ls, _lv) = HsvAugment.Tables(Rh, Rs, Rv);
        _th = Mat.FromPixelData(1, 256, MatType.CV_8UC1, _lh);
        _ts = Mat.FromPixelData(1, 256, MatType.CV_8UC1, _ls);
        _tv = Mat.FromPixelData(1, 256, MatType.CV_8UC1, _lv);

        OursHsv();
        using (var ours = _work.Clone())
        using (var cv = OpenCvHsvResult())
            Require("hsv", ours, cv, 1);
        using (var ours = Warp.WarpAffine(_square, _m, Size, Size))
        using (var cv = OpenCvWarpResult())
            Require("warp-affine", ours, cv, 1);
        using (var ours = DetectAugment.Letterbox(_wide, Size, Size, null, out _))
        using (var cv = OpenCvLetterboxResult())
            Require("letterbox", ours, cv, 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var m in new[] { _square, _wide, _work, _affine, _th, _ts, _tv }) m.Dispose();
    }

    [BenchmarkCategory("hsv"), Benchmark(Baseline = true, Description = "OpenCV cvtColor+LUT+cvtColor 640x640")]
    public void OpenCvHsv() => OpenCvHsvResult().Dispose();

    [BenchmarkCategory("hsv"), Benchmark(Description = "ours HsvAugment 640x640")]
    public void OursHsv()
    {
        _square.CopyTo(_work);
        HsvAugment.ApplyGains(_work, Rh, Rs, Rv);
    }

    [BenchmarkCategory("warp-affine"), Benchmark(Baseline = true, Description = "OpenCV WarpAffine 640x640")]
    public void OpenCvWarpAffine() => OpenCvWarpResult().Dispose();

    [BenchmarkCategory("warp-affine"), Benchmark(Description = "ours Warp.WarpAffine 640x640")]
    public void OursWarpAffine() => Warp.WarpAffine(_square, _m, Size, Size).Dispose();

    [BenchmarkCategory("letterbox"), Benchmark(Baseline = true, Description = "OpenCV Resize+CopyMakeBorder 1280x720->640")]
    public void OpenCvLetterbox() => OpenCvLetterboxResult().Dispose();

    [BenchmarkCategory("letterbox"), Benchmark(Description = "ours DetectAugment.Letterbox 1280x720->640")]
    public void OursLetterbox() => DetectAugment.Letterbox(_wide, Size, Size, null, out _).Dispose();

    private Mat OpenCvHsvResult()
    {
        _square.CopyTo(_work);
        using var hsv = new Mat();
        Cv2.CvtColor(_work, hsv, ColorConversionCodes.RGB2HSV);
        var ch = Cv2.Split(hsv);
        Cv2.LUT(ch[0], _th, ch[0]);
        Cv2.LUT(ch[1], _ts, ch[1]);
        Cv2.LUT(ch[2], _tv, ch[2]);
        using var merged = new Mat();
        Cv2.Merge(ch, merged);
        foreach (var c in ch) c.Dispose();
        var back = new Mat();
        Cv2.CvtColor(merged, back, ColorConversionCodes.HSV2RGB);
        return back;
    }

    private Mat OpenCvWarpResult()
    {
        var dst = new Mat();
        Cv2.WarpAffine(_square, dst, _affine, new Size(Size, Size), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(Warp.DefaultBorder));
        return dst;
    }

    /// <summary>Ultralytics' LetterBox with OpenCV: scale 0.5 to 640x360, pad 140 rows of 114 above and below.</summary>
    private Mat OpenCvLetterboxResult()
    {
        using var resized = new Mat();
        Cv2.Resize(_wide, resized, new Size(640, 360), 0, 0, InterpolationFlags.Linear);
        var dst = new Mat();
        Cv2.CopyMakeBorder(resized, dst, 140, 140, 0, 0, BorderTypes.Constant, Scalar.All(DetectAugment.PadValue));
        return dst;
    }

    private static unsafe Mat Noise(int w, int h, int seed)
    {
        // smooth-ish content (noise plus gradients): random bytes alone make every HSV hue bin equally likely
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

    private static unsafe void Require(string what, Mat ours, Mat reference, int maxLevels)
    {
        if (ours.Size() != reference.Size() || ours.Type() != reference.Type())
            throw new KernelMismatchException($"{what}: ours is {ours.Size()} {ours.Type()}, OpenCV {reference.Size()} {reference.Type()}");
        long n = (long)ours.Rows * ours.Cols * ours.ElemSize();
        if (!ours.IsContinuous() || !reference.IsContinuous()) throw new InvalidOperationException("expected continuous Mats");
        byte* a = ours.DataPointer, b = reference.DataPointer;
        int worst = 0;
        for (long i = 0; i < n; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        if (worst > maxLevels)
            throw new KernelMismatchException($"{what}: ours differs from OpenCV by up to {worst} levels (allowed {maxLevels})");
        Console.WriteLine($"// check {what}: OK, max difference {worst} level(s)");
    }
}
