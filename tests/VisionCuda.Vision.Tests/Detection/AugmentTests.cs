using OpenCvSharp;
using VisionCuda.Random;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Vision.Tests.Detection;

public class AugmentTests
{
    private static void Near(PixelBox expected, PixelBox actual, float tol = 1e-3f)
    {
        Assert.Equal(expected.Cls, actual.Cls);
        Assert.True(Math.Abs(expected.X1 - actual.X1) < tol && Math.Abs(expected.Y1 - actual.Y1) < tol &&
                    Math.Abs(expected.X2 - actual.X2) < tol && Math.Abs(expected.Y2 - actual.Y2) < tol, $"expected {expected}, got {actual}");
    }

    [Fact]
    public void LetterboxScalesPadsAndMapsBoxes()
    {
        // 200 x 100 into 64 x 64: r = 0.32, new size 64 x 32, dh = 16 -> top 16, bottom 16.
        using var img = TestImages.Gradient(200, 100);
        var boxes = new List<PixelBox> { new(1, 50, 25, 150, 75) };
        using var lb = DetectAugment.Letterbox(img, 64, 64, boxes, out var info);
        Assert.Equal(64, lb.Rows);
        Assert.Equal(64, lb.Cols);
        Assert.Equal(new LetterboxInfo(0.32f, 0.32f, 0, 16, 64, 32), info);
        Near(new PixelBox(1, 16, 16 + 8, 48, 16 + 24), boxes[0]);
        Assert.Equal(new Vec3b(114, 114, 114), lb.At<Vec3b>(5, 30));
        Assert.Equal(new Vec3b(114, 114, 114), lb.At<Vec3b>(60, 30));

        // Odd padding: 100 x 45 into 64 x 64: r = 0.64 -> 64 x 28.8 -> 29 rows, dh = 35 / 2 = 17.5:
        // top = round(17.4) = 17, bottom = round(17.6) = 18.
        using var img2 = TestImages.Gradient(100, 45);
        using var lb2 = DetectAugment.Letterbox(img2, 64, 64, null, out var info2, scaleup: false);
        Assert.Equal(new LetterboxInfo(0.64f, 0.64f, 0, 17, 64, 29), info2);
        Assert.Equal(64, lb2.Rows);

        // No scale-up: a small image stays its size and is centred.
        using var small = TestImages.Gradient(20, 10);
        using var lb3 = DetectAugment.Letterbox(small, 64, 64, null, out var info3, scaleup: false);
        Assert.Equal(new LetterboxInfo(1f, 1f, 22, 27, 20, 10), info3);
    }

    [Fact]
    public void FlipsMirrorBoxes()
    {
        using var img = TestImages.Gradient(100, 50);
        var orig = img.At<Vec3b>(10, 3);
        var boxes = new List<PixelBox> { new(2, 10, 5, 30, 20) };
        DetectAugment.FlipLR(img, boxes);
        Near(new PixelBox(2, 70, 5, 90, 20), boxes[0]);
        Assert.Equal(orig, img.At<Vec3b>(10, 96));
        DetectAugment.FlipUD(img, boxes);
        Near(new PixelBox(2, 70, 30, 90, 45), boxes[0]);
    }

    [Fact]
    public void PerspectiveMatrixAndBoxesByHand()
    {
        // 100 x 80 input, same-size output, scale 1.5, translation centred, no rotation/shear:
        // x' = 1.5 (x - 50) + 50, y' = 1.5 (y - 40) + 40.
        var m = DetectAugment.PerspectiveMatrix(100, 80, 100, 80, 0, 0, 0, 1.5, 0, 0, 0.5, 0.5);
        double[] expected = [1.5, 0, -25, 0, 1.5, -20, 0, 0, 1];
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], m[i], 9);
        var boxes = new List<PixelBox> { new(0, 40, 30, 60, 50), new(1, 0, 0, 20, 10), new(2, 95, 70, 100, 80) };
        DetectAugment.TransformBoxes(boxes, m, 1.5, 100, 80, perspective: false);
        // Box 0: (35, 25)-(65, 55). Box 1: (-25, -20)-(5, -5) -> clipped (0,0)-(5,0): h = 0, dropped.
        // Box 2: (117.5, 85)-(125, 100) -> outside, dropped.
        Assert.Single(boxes);
        Near(new PixelBox(0, 35, 25, 65, 55), boxes[0]);

        // 90 degree rotation about the centre: a 20 x 10 box becomes 10 x 20.
        var r = DetectAugment.PerspectiveMatrix(100, 100, 100, 100, 0, 0, 90, 1, 0, 0, 0.5, 0.5);
        var b2 = new List<PixelBox> { new(3, 40, 45, 60, 55) };
        DetectAugment.TransformBoxes(b2, r, 1, 100, 100, perspective: false);
        Near(new PixelBox(3, 45, 40, 55, 60), b2[0]);

        // The image follows the boxes: a bright square moves where its box says.
        using var img = new Mat(80, 100, MatType.CV_8UC3, Scalar.All(0));
        Cv2.Rectangle(img, new Rect(40, 30, 20, 20), Scalar.All(255), -1);
        using var warped = DetectAugment.ApplyPerspective(img, [], m, 1.5, 100, 80, false);
        Assert.Equal(255, warped.At<Vec3b>(40, 50).Item0);
        Assert.Equal(255, warped.At<Vec3b>(26, 36).Item0);
        Assert.Equal(0, warped.At<Vec3b>(23, 33).Item0);
    }

    [Theory]
    [InlineData(20, 20, 20, 20, true)]
    [InlineData(20, 20, 2, 20, false)]      // w not > 2 px
    [InlineData(20, 20, 6, 6, false)]       // area ratio 0.09
    [InlineData(20, 20, 7, 6, true)]        // area ratio 0.105
    [InlineData(400, 3, 399, 3.5, false)]   // aspect 114 >= 100
    public void BoxCandidatesRule(float w1, float h1, float w2, float h2, bool keep) =>
        Assert.Equal(keep, DetectAugment.BoxCandidate(w1, h1, w2, h2));

    [Fact]
    public void HsvAgreesWithCvtColorReferenceWithinOneLevel()
    {
        using var img = WarpTests.Noise(64, 48, 11);
        foreach (var (rh, rs, rv) in new[] { (0.01f, 0.5f, -0.3f), (-0.015f, -0.7f, 0.4f), (0.3f, 0.2f, 0.1f), (0f, 0f, 0f) })
        {
            using var ours = img.Clone();
            HsvAugment.ApplyGains(ours, rh, rs, rv);
            using var reference = Reference(img, rh, rs, rv);
            var a = TestImages.Bytes(ours);
            var b = TestImages.Bytes(reference);
            int max = 0;
            for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
            Assert.True(max <= 1, $"gains ({rh}, {rs}, {rv}): max diff {max}");
        }
    }

    /// <summary>Ultralytics' recipe with OpenCV: cvtColor to HSV, three LUTs, cvtColor back.</summary>
    private static Mat Reference(Mat rgb, float rh, float rs, float rv)
    {
        var (lh, ls, lv) = HsvAugment.Tables(rh, rs, rv);
        using var hsv = new Mat();
        Cv2.CvtColor(rgb, hsv, ColorConversionCodes.RGB2HSV);
        var ch = Cv2.Split(hsv);
        using var th = Mat.FromPixelData(1, 256, MatType.CV_8UC1, lh);
        using var ts = Mat.FromPixelData(1, 256, MatType.CV_8UC1, ls);
        using var tv = Mat.FromPixelData(1, 256, MatType.CV_8UC1, lv);
        Cv2.LUT(ch[0], th, ch[0]);
        Cv2.LUT(ch[1], ts, ch[1]);
        Cv2.LUT(ch[2], tv, ch[2]);
        using var merged = new Mat();
        Cv2.Merge(ch, merged);
        foreach (var c in ch) c.Dispose();
        var back = new Mat();
        Cv2.CvtColor(merged, back, ColorConversionCodes.HSV2RGB);
        return back;
    }

    [Fact]
    public void HsvLutsFollowUltralytics()
    {
        var (h, s, v) = HsvAugment.Tables(0.1f, 0.5f, -0.5f);
        Assert.Equal(18, h[0]);          // 0 + 0.1 * 180
        Assert.Equal(8, h[170]);         // (170 + 18) % 180
        Assert.Equal(150, s[100]);
        Assert.Equal(255, s[200]);
        Assert.Equal(50, v[100]);
    }

    [Fact]
    public void MosaicShapeAndBoxesInsideCanvas()
    {
        const int s = 64;
        var images = new[] { TestImages.Gradient(64, 48, 1), TestImages.Gradient(40, 64, 2), TestImages.Gradient(64, 64, 3), TestImages.Gradient(30, 20, 4) };
        try
        {
            var boxes = images.Select(m => new List<PixelBox> { new(0, 0, 0, m.Cols, m.Rows), new(1, 2, 2, 10, 10) }).ToArray();
            var output = new List<PixelBox>();
            using var canvas = DetectAugment.Mosaic4(images, boxes, s, 70, 50, output);
            Assert.Equal(2 * s, canvas.Rows);
            Assert.Equal(2 * s, canvas.Cols);
            Assert.NotEmpty(output);
            foreach (var b in output)
                Assert.True(b.X1 >= 0 && b.Y1 >= 0 && b.X2 <= 2 * s && b.Y2 <= 2 * s && b.Width > 0 && b.Height > 0, b.ToString());
            // Top-left image ends at the centre: its full box is (70-64, 50-48)-(70, 50).
            Near(new PixelBox(0, 6, 2, 70, 50), output[0]);
            Assert.Equal(images[0].At<Vec3b>(47, 63), canvas.At<Vec3b>(49, 69));
            Assert.Equal(new Vec3b(114, 114, 114), canvas.At<Vec3b>(0, 0));

            // Then the random perspective with border -s/2 crops to s x s, boxes inside.
            var rng = new RandomStream(5, 0, 0, RandomPurpose.Augment);
            using var cropped = DetectAugment.RandomPerspective(canvas, output, new DetectAugmentOptions { Imgsz = s }, -s / 2, -s / 2, ref rng);
            Assert.Equal(s, cropped.Rows);
            Assert.Equal(s, cropped.Cols);
            foreach (var b in output)
                Assert.True(b.X1 >= 0 && b.Y1 >= 0 && b.X2 <= s && b.Y2 <= s && b.Width > 2 && b.Height > 2, b.ToString());
        }
        finally
        {
            foreach (var m in images) m.Dispose();
        }
    }

    [Fact]
    public void MixupBlendsWithBetaWeight()
    {
        using var a = new Mat(4, 4, MatType.CV_8UC3, Scalar.All(200));
        using var b = new Mat(4, 4, MatType.CV_8UC3, Scalar.All(100));
        var rng = new RandomStream(1);
        double r = DetectAugment.Mixup(a, b, ref rng);
        Assert.InRange(r, 0.25, 0.75);
        Assert.Equal((int)(200 * (float)r + 100 * (float)(1 - r)), a.At<Vec3b>(2, 2).Item1);
    }
}
