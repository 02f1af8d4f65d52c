using OpenCvSharp;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Vision.Tests.Detection;

public class WarpTests
{
    internal static Mat Noise(int w, int h, int seed)
    {
        var m = new Mat(h, w, MatType.CV_8UC3);
        var rng = new System.Random(seed);
        var bytes = new byte[w * h * 3];
        rng.NextBytes(bytes);
        unsafe { bytes.CopyTo(new Span<byte>(m.DataPointer, bytes.Length)); }
        return m;
    }

    private static int MaxDiff(Mat a, Mat b)
    {
        Assert.Equal(a.Size(), b.Size());
        var x = TestImages.Bytes(a); var y = TestImages.Bytes(b);
        int max = 0;
        for (int i = 0; i < x.Length; i++) max = Math.Max(max, Math.Abs(x[i] - y[i]));
        return max;
    }

    public static IEnumerable<object[]> Matrices() =>
    [
        [new double[] { 1, 0, 10.5, 0, 1, -7.25, 0, 0, 1 }],                 // pure translation
        [new double[] { 0.73, 0, 5.3, 0, 0.73, 11.9, 0, 0, 1 }],             // scale + translate (Ultralytics' usual)
        [new double[] { 1.31, 0.2, -20.1, -0.17, 1.29, 3.7, 0, 0, 1 }],      // rotation + scale + shear
        [new double[] { 0.5, 0, 0, 0, 0.5, 0, 0, 0, 1 }],
    ];

    [Theory]
    [MemberData(nameof(Matrices))]
    public void WarpAffineAgreesWithOpenCvWithinOneLevel(double[] m)
    {
        using var src = Noise(97, 71, 3);
        using var ours = Warp.WarpAffine(src, m, 90, 80);
        using var mat = new Mat(2, 3, MatType.CV_64FC1);
        for (int i = 0; i < 6; i++) mat.Set(i / 3, i % 3, m[i]);
        using var cv = new Mat();
        Cv2.WarpAffine(src, cv, mat, new Size(90, 80), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(114));
        Assert.True(MaxDiff(ours, cv) <= 1, $"max diff {MaxDiff(ours, cv)}");
    }

    [Fact]
    public void WarpPerspectiveAgreesWithOpenCvWithinOneLevel()
    {
        double[] m = [1.1, 0.05, -3, -0.04, 0.95, 6, 0.0004, -0.0003, 1];
        using var src = Noise(80, 60, 5);
        using var ours = Warp.WarpPerspective(src, m, 70, 66);
        using var mat = new Mat(3, 3, MatType.CV_64FC1);
        for (int i = 0; i < 9; i++) mat.Set(i / 3, i % 3, m[i]);
        using var cv = new Mat();
        Cv2.WarpPerspective(src, cv, mat, new Size(70, 66), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(114));
        Assert.True(MaxDiff(ours, cv) <= 1, $"max diff {MaxDiff(ours, cv)}");
    }
}
