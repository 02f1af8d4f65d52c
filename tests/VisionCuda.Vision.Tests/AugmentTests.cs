using OpenCvSharp;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Tests;

public class AugmentTests
{
    private static readonly ClassifyAugmentOptions Everything = ClassifyAugmentOptions.Default with
    {
        Degrees = 10, FlipUD = 0.5, Grayscale = 0.3, Erasing = 0.5,
    };

    private static float[] Run(ISampleTransform t, Mat img, long epoch, long position)
    {
        var chw = new float[t.Channels * t.Height * t.Width];
        t.Apply(img, epoch, position, chw);
        return chw;
    }

    [Fact]
    public void SameKeySamePixelsDifferentKeyDifferentPixels()
    {
        using var img = TestImages.Gradient(40, 30);
        var t = new ClassifyTrainTransform(16, Everything, seed: 7);
        var a = Run(t, img, 1, 5);
        Assert.Equal(a, Run(t, img, 1, 5));
        Assert.Equal(a, Run(new ClassifyTrainTransform(16, Everything, seed: 7), img, 1, 5));
        Assert.NotEqual(a, Run(t, img, 1, 6));
        Assert.NotEqual(a, Run(t, img, 2, 5));
        Assert.NotEqual(a, Run(new ClassifyTrainTransform(16, Everything, seed: 8), img, 1, 5));
    }

    [Fact]
    public void HorizontalAndVerticalFlipMatchHandComputedPixels()
    {
        var lr = new ClassifyTrainTransform(5, ClassifyAugmentOptions.None with { FlipLR = 1 }, Normalization.None);
        var ud = new ClassifyTrainTransform(5, ClassifyAugmentOptions.None with { FlipUD = 1 }, Normalization.None);
        using var sq = TestImages.Gradient(5, 5);
        var l = Run(lr, sq, 0, 0);
        var u = Run(ud, sq, 0, 0);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 5; x++)
                {
                    var mirrored = sq.At<Vec3b>(y, 4 - x);
                    var flipped = sq.At<Vec3b>(4 - y, x);
                    Assert.Equal(mirrored[c] / 255f, l[c * 25 + y * 5 + x], 6);
                    Assert.Equal(flipped[c] / 255f, u[c * 25 + y * 5 + x], 6);
                }
    }

    [Fact]
    public void HsvJitterMatchesHandComputedPixels()
    {
        static Vec3b Adjust(byte r, byte g, byte b, float hue, float sat, float val)
        {
            using var m = new Mat(1, 1, MatType.CV_8UC3, new Scalar(r, g, b));
            ColorOps.AdjustHsv(m, hue, sat, val);
            return m.At<Vec3b>(0, 0);
        }
        Assert.Equal(new Vec3b(0, 255, 0), Adjust(255, 0, 0, 1f / 3, 1, 1));      // red + 120 deg = green
        Assert.Equal(new Vec3b(0, 0, 255), Adjust(255, 0, 0, -1f / 3, 1, 1));     // red - 120 deg = blue
        Assert.Equal(new Vec3b(255, 128, 128), Adjust(255, 0, 0, 0, 0.5f, 1));    // S 1 -> 0.5: min = 127.5
        Assert.Equal(new Vec3b(100, 50, 25), Adjust(200, 100, 50, 0, 1, 0.5f));   // V halves every channel
        Assert.Equal(new Vec3b(255, 255, 255), Adjust(200, 200, 200, 0.2f, 2, 2)); // gray: hue/sat no effect, V clips
        using var gray = new Mat(1, 1, MatType.CV_8UC1, new Scalar(100));
        ColorOps.AdjustHsv(gray, 0.3f, 0.1f, 1.5f);
        Assert.Equal((byte)150, gray.At<byte>(0, 0));
    }

    [Fact]
    public void HsvJitterAgreesWithOpenCvFloatRoundTripWithinOneLevel()
    {
        using var img = new Mat(48, 48, MatType.CV_8UC3);
        var rng = new RandomStream(42);
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 48; x++)
                img.Set(y, x, new Vec3b((byte)rng.NextInt(256), (byte)rng.NextInt(256), (byte)rng.NextInt(256)));
        foreach (var (hue, sat, val) in new[] { (0.1f, 1.3f, 0.8f), (-0.015f, 0.3f, 1.4f), (0.5f, 1f, 1f) })
        {
            using var ours = img.Clone();
            ColorOps.AdjustHsv(ours, hue, sat, val);

            using var f = new Mat();
            img.ConvertTo(f, MatType.CV_32FC3, 1.0 / 255);
            using var hsv = new Mat();
            Cv2.CvtColor(f, hsv, ColorConversionCodes.RGB2HSV);
            var planes = Cv2.Split(hsv);
            try
            {
                for (int y = 0; y < 48; y++)
                    for (int x = 0; x < 48; x++)
                    {
                        float h = planes[0].At<float>(y, x) + hue * 360f;
                        h -= 360f * MathF.Floor(h / 360f);
                        planes[0].Set(y, x, h);
                        planes[1].Set(y, x, Math.Clamp(planes[1].At<float>(y, x) * sat, 0f, 1f));
                        planes[2].Set(y, x, Math.Clamp(planes[2].At<float>(y, x) * val, 0f, 1f));
                    }
                using var merged = new Mat();
                Cv2.Merge(planes, merged);
                using var rgb = new Mat();
                Cv2.CvtColor(merged, rgb, ColorConversionCodes.HSV2RGB);
                using var reference = new Mat();
                rgb.ConvertTo(reference, MatType.CV_8UC3, 255);
                using var diff = new Mat();
                Cv2.Absdiff(ours, reference, diff);
                Cv2.MinMaxLoc(diff.Reshape(1), out _, out double maxDiff);
                Assert.True(maxDiff <= 1, $"max difference {maxDiff} for gains ({hue}, {sat}, {val})");
            }
            finally
            {
                foreach (var p in planes) p.Dispose();
            }
        }
    }

    [Fact]
    public void GrayscaleMatchesOpenCv()
    {
        using var img = TestImages.Gradient(16, 16, 3);
        using var ours = img.Clone();
        ColorOps.ToGrayInPlace(ours);
        using var cv = new Mat();
        Cv2.CvtColor(img, cv, ColorConversionCodes.RGB2GRAY);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
            {
                var p = ours.At<Vec3b>(y, x);
                Assert.Equal(p.Item0, p.Item2);
                Assert.InRange(p.Item0 - cv.At<byte>(y, x), -1, 1);
            }
    }

    [Fact]
    public void RandomResizedCropBoxStaysInsideAndFollowsScale()
    {
        int inRange = 0;
        for (int i = 0; i < 500; i++)
        {
            var rng = new RandomStream(1, 0, i, VisionCuda.Random.RandomPurpose.Augment);
            var box = RandomResizedCropBox.Sample(ref rng, 64, 48, 0.08, 1.0, 3.0 / 4, 4.0 / 3);
            Assert.True(box.X >= 0 && box.Y >= 0 && box.Right <= 64 && box.Bottom <= 48 && box.Width > 0 && box.Height > 0, box.ToString());
            double frac = (double)box.Width * box.Height / (64 * 48);
            if (frac is >= 0.07 and <= 1.0) inRange++;
        }
        Assert.Equal(500, inRange);
    }

    [Fact]
    public void RandomErasingZeroesOneRectangle()
    {
        using var img = new Mat(20, 20, MatType.CV_8UC3, new Scalar(200, 100, 50));
        var t = new ClassifyTrainTransform(20, ClassifyAugmentOptions.None with { Erasing = 1 }, Normalization.None);
        var chw = Run(t, img, 0, 3);
        int zeros = chw.Take(400).Count(v => v == 0);
        Assert.InRange(zeros, (int)(0.02 * 400) - 2, (int)(0.33 * 400) + 20);
        Assert.Equal(zeros, chw.Skip(400).Take(400).Count(v => v == 0)); // same box in every channel
    }

    [Fact]
    public void GrayscaleDatasetsGetOneChannel()
    {
        using var img = new Mat(28, 28, MatType.CV_8UC1, new Scalar(128));
        var t = new ClassifyTrainTransform(24, ClassifyAugmentOptions.Default with { FlipLR = 0 }, Normalization.Mnist, channels: 1);
        var chw = Run(t, img, 0, 0);
        Assert.Equal(24 * 24, chw.Length);
        var v = new ClassifyValTransform(28, Normalization.None, channels: 1);
        Assert.All(Run(v, img, 0, 0), x => Assert.Equal(128f / 255, x, 5));
    }
}

public class AugmentOptionTests
{
    [Fact]
    public void UltralyticsMappingAndValidation()
    {
        var o = ClassifyAugmentOptions.FromUltralytics(scale: 0.5, fliplr: 0);
        Assert.Equal(0.5, o.ScaleMin);
        Assert.Equal(0.0, o.FlipLR);
        var bad = Assert.Throws<ArgumentException>(() => new ClassifyTrainTransform(32, o with { FlipLR = 1.5 }));
        Assert.Contains("fliplr", bad.Message);
        var scale = Assert.Throws<ArgumentException>(() => new ClassifyTrainTransform(32, ClassifyAugmentOptions.FromUltralytics(scale: 1.0)));
        Assert.Contains("scale", scale.Message);
    }
}
