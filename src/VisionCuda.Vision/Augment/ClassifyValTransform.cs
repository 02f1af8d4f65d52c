using OpenCvSharp;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Augment;

/// <summary>Validation / predict preprocessing (Ultralytics classify_transforms): resize the shorter side to imgsz,
/// centre crop imgsz x imgsz, CHW float + normalisation. No randomness.</summary>
public sealed class ClassifyValTransform : ISampleTransform
{
    public Normalization Normalization { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    public ClassifyValTransform(int imgsz, Normalization? normalization = null, int channels = 3)
    {
        if (imgsz <= 0) throw new ArgumentOutOfRangeException(nameof(imgsz), imgsz, "imgsz must be positive");
        ImageIO.CheckChannels(channels);
        Normalization = normalization ?? (channels == 3 ? Normalization.ImageNet : Normalization.None);
        Channels = channels;
        Height = Width = imgsz;
    }

    public void Apply(Mat image, long epoch, long position, Span<float> chw)
    {
        using Mat prepared = Prepare(image);
        ChwConverter.ToChw(prepared, chw, Normalization);
    }

    /// <summary>The byte image the network sees (before normalisation).</summary>
    public Mat Prepare(Mat image)
    {
        using var resized = Geometry.ResizeShorter(image, Height);
        using var cropped = Geometry.CenterCrop(resized, Height);
        return ImageIO.ToChannels(cropped, Channels);
    }

    /// <summary>Reads a file and returns its CHW floats (for predict).</summary>
    public float[] LoadFile(string path)
    {
        using var image = ImageIO.Read(path, Channels);
        var chw = new float[Channels * Height * Width];
        Apply(image, 0, 0, chw);
        return chw;
    }
}
