namespace VisionCuda.Vision.Augment;

/// <summary>
/// Train-time augmentation for classification, with Ultralytics' argument names in the comments and the
/// torchvision classify defaults. Set a probability or magnitude to 0 to switch an op off; <see cref="None"/>
/// switches everything off (a plain resize to imgsz).
/// </summary>
public sealed record ClassifyAugmentOptions
{
    /// <summary>RandomResizedCrop area fraction range. Ultralytics derives it from its `scale` arg as (1 - scale, 1);
    /// see <see cref="WithUltralyticsScale"/>.</summary>
    public double ScaleMin { get; init; } = 0.08;
    public double ScaleMax { get; init; } = 1.0;

    /// <summary>RandomResizedCrop aspect-ratio range (w/h), drawn log-uniformly.</summary>
    public double RatioMin { get; init; } = 3.0 / 4.0;
    public double RatioMax { get; init; } = 4.0 / 3.0;

    /// <summary>When false the image is resized to imgsz x imgsz without cropping.</summary>
    public bool RandomResizedCrop { get; init; } = true;

    /// <summary>fliplr: probability of a horizontal flip.</summary>
    public double FlipLR { get; init; } = 0.5;

    /// <summary>flipud: probability of a vertical flip.</summary>
    public double FlipUD { get; init; } = 0.0;

    /// <summary>degrees: rotation drawn uniformly in [-degrees, degrees], zero fill.</summary>
    public double Degrees { get; init; } = 0.0;

    /// <summary>hsv_h: hue shift drawn in [-hsv_h, hsv_h] of a full turn.</summary>
    public double HsvH { get; init; } = 0.015;

    /// <summary>hsv_s: saturation gain drawn in [1 - hsv_s, 1 + hsv_s].</summary>
    public double HsvS { get; init; } = 0.7;

    /// <summary>hsv_v: value (brightness) gain drawn in [1 - hsv_v, 1 + hsv_v].</summary>
    public double HsvV { get; init; } = 0.4;

    /// <summary>Probability of converting to grayscale (torchvision RandomGrayscale).</summary>
    public double Grayscale { get; init; } = 0.0;

    /// <summary>erasing: probability of random erasing (torchvision RandomErasing on the normalised tensor).</summary>
    public double Erasing { get; init; } = 0.4;

    public (double Min, double Max) ErasingScale { get; init; } = (0.02, 0.33);
    public (double Min, double Max) ErasingRatio { get; init; } = (0.3, 3.3);

    /// <summary>The defaults above.</summary>
    public static ClassifyAugmentOptions Default { get; } = new();

    /// <summary>No augmentation: resize to imgsz only.</summary>
    public static ClassifyAugmentOptions None { get; } = new()
    {
        RandomResizedCrop = false, FlipLR = 0, FlipUD = 0, Degrees = 0, HsvH = 0, HsvS = 0, HsvV = 0, Grayscale = 0, Erasing = 0,
    };

    /// <summary>Ultralytics' classify datasets use scale = (1 - args.scale, 1).</summary>
    public ClassifyAugmentOptions WithUltralyticsScale(double scale) => this with { ScaleMin = 1.0 - scale, ScaleMax = 1.0 };
}
