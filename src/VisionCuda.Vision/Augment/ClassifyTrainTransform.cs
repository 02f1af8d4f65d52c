using OpenCvSharp;
using VisionCuda.Random;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Augment;

/// <summary>
/// The train-time classify pipeline (Ultralytics classify_augmentations order): random resized crop to imgsz,
/// horizontal / vertical flip, rotation, HSV jitter, random grayscale, to CHW float + normalisation, random erasing.
///
/// Randomness: one Philox key per sample, (seed, epoch, position, Augment). Each op reads its own counter region
/// (op number * 256), so switching one op off or changing its magnitude does not shift the draws of the others.
/// </summary>
public sealed class ClassifyTrainTransform : ISampleTransform
{
    private const int OpCrop = 0, OpFlipLR = 1, OpFlipUD = 2, OpRotate = 3, OpHsv = 4, OpGray = 5, OpErase = 6;

    public ClassifyAugmentOptions Options { get; }
    public Normalization Normalization { get; }
    public ulong Seed { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    public ClassifyTrainTransform(int imgsz, ClassifyAugmentOptions? options = null, Normalization? normalization = null,
        int channels = 3, ulong seed = 0)
    {
        if (imgsz <= 0) throw new ArgumentOutOfRangeException(nameof(imgsz), imgsz, "imgsz must be positive");
        ImageIO.CheckChannels(channels);
        Options = options ?? ClassifyAugmentOptions.Default;
        Options.Validate();
        Normalization = normalization ?? (channels == 3 ? Normalization.ImageNet : Normalization.None);
        Channels = channels;
        Height = Width = imgsz;
        Seed = seed;
    }

    public void Apply(Mat image, long epoch, long position, Span<float> chw)
    {
        ulong key = Philox.Key(Seed, epoch, position, RandomPurpose.Augment);
        using Mat augmented = Augment(image, key);
        ChwConverter.ToChw(augmented, chw, Normalization);
        var o = Options;
        if (o.Erasing > 0)
        {
            var rng = Stream(key, OpErase);
            if (rng.Bernoulli(o.Erasing))
                RandomErasing.Apply(ref rng, chw, Channels, Height, Width, o.ErasingScale, o.ErasingRatio);
        }
    }

    /// <summary>The byte-domain part (everything before normalisation and erasing), for tests and previews.</summary>
    public Mat AugmentBytes(Mat image, long epoch, long position) =>
        Augment(image, Philox.Key(Seed, epoch, position, RandomPurpose.Augment));

    private Mat Augment(Mat image, ulong key)
    {
        var o = Options;
        Mat work;
        if (o.RandomResizedCrop)
        {
            var rng = Stream(key, OpCrop);
            Rect box = RandomResizedCropBox.Sample(ref rng, image.Cols, image.Rows, o.ScaleMin, o.ScaleMax, o.RatioMin, o.RatioMax);
            work = Geometry.CropResize(image, box, Width, Height);
        }
        else
        {
            work = Geometry.Resize(image, Width, Height);
        }
        try
        {
            if (work.Channels() != Channels)
            {
                var converted = ImageIO.ToChannels(work, Channels);
                work.Dispose();
                work = converted;
            }
            if (o.FlipLR > 0 && Stream(key, OpFlipLR).Bernoulli(o.FlipLR)) Cv2.Flip(work, work, FlipMode.Y);
            if (o.FlipUD > 0 && Stream(key, OpFlipUD).Bernoulli(o.FlipUD)) Cv2.Flip(work, work, FlipMode.X);
            if (o.Degrees > 0)
            {
                var rng = Stream(key, OpRotate);
                double angle = rng.Uniform(-o.Degrees, o.Degrees);
                var rotated = Geometry.Rotate(work, angle);
                work.Dispose();
                work = rotated;
            }
            if (o.HsvH > 0 || o.HsvS > 0 || o.HsvV > 0)
            {
                var rng = Stream(key, OpHsv);
                float hue = rng.Uniform((float)-o.HsvH, (float)o.HsvH);
                float sat = 1f + rng.Uniform((float)-o.HsvS, (float)o.HsvS);
                float val = 1f + rng.Uniform((float)-o.HsvV, (float)o.HsvV);
                ColorOps.AdjustHsv(work, hue, sat, val);
            }
            if (o.Grayscale > 0 && Stream(key, OpGray).Bernoulli(o.Grayscale)) ColorOps.ToGrayInPlace(work);
            return work;
        }
        catch
        {
            work.Dispose();
            throw;
        }
    }

    private static RandomStream Stream(ulong key, int op) => new(key, (ulong)op << 8);
}
