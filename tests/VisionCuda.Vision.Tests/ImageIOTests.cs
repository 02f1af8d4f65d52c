using OpenCvSharp;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Tests;

public class ImageIOTests
{
    [Fact]
    public void PngRoundTripKeepsRgbOrder()
    {
        using var dir = new TempDir();
        using var img = new Mat(2, 3, MatType.CV_8UC3, new Scalar(10, 20, 30)); // R=10 G=20 B=30
        string path = dir.Sub("a.png");
        ImageIO.Write(path, img);
        using var back = ImageIO.Read(path);
        Assert.Equal(3, back.Channels());
        var px = back.At<Vec3b>(1, 2);
        Assert.Equal((byte)10, px.Item0);
        Assert.Equal((byte)20, px.Item1);
        Assert.Equal((byte)30, px.Item2);
        using var gray = ImageIO.Read(path, 1);
        Assert.Equal(1, gray.Channels());
    }

    [Fact]
    public void GarbageBytesRaiseTypedExceptionNamingTheFile()
    {
        using var dir = new TempDir();
        string path = dir.Sub("x.jpg");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.Throws<ImageDecodeException>(() => ImageIO.Read(path));
        Assert.Equal(path, e.Path);
        Assert.Contains(path, e.Message);
        var missing = Assert.Throws<ImageDecodeException>(() => ImageIO.Read(dir.Sub("none.png")));
        Assert.Contains("none.png", missing.Message);
    }

    [Fact]
    public void ToChwNormalisesPerChannel()
    {
        using var img = new Mat(1, 2, MatType.CV_8UC3, new Scalar(255, 0, 51));
        var chw = ChwConverter.ToChw(img, Normalization.None);
        float[] expected = [1f, 1f, 0f, 0f, 0.2f, 0.2f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], chw[i], 6);
        var imagenet = ChwConverter.ToChw(img, Normalization.ImageNet);
        Assert.Equal((1f - 0.485f) / 0.229f, imagenet[0], 5);
        Assert.Equal((0f - 0.456f) / 0.224f, imagenet[2], 5);
    }

    [Fact]
    public void ValTransformResizesShorterSideThenCentreCrops()
    {
        using var img = TestImages.Gradient(40, 20);
        using var prepared = new Augment.ClassifyValTransform(10).Prepare(img);
        Assert.Equal(10, prepared.Rows);
        Assert.Equal(10, prepared.Cols);
        // 40x20 -> 20x10, centre crop keeps columns 5..14: the left edge is the resized column 5
        using var resized = Geometry.ResizeShorter(img, 10);
        Assert.Equal(20, resized.Cols);
        Assert.Equal(resized.At<Vec3b>(3, 5), prepared.At<Vec3b>(3, 0));
    }

    [Theory]
    [InlineData(".jpg")]
    [InlineData(".jpeg")]
    [InlineData(".png")]
    [InlineData(".bmp")]
    [InlineData(".webp")]
    [InlineData(".tif")]
    [InlineData(".tiff")]
    public void EverySupportedExtensionRoundTrips(string ext)
    {
        using var dir = new TempDir();
        using var img = TestImages.Gradient(12, 9);
        string path = dir.Sub("img" + ext);
        ImageIO.Write(path, img);
        Assert.True(ImageIO.IsSupported(path));
        using var back = ImageIO.Read(path);
        Assert.Equal(12, back.Cols);
        Assert.Equal(9, back.Rows);
    }
}
