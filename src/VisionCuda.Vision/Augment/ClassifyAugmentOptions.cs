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

    /// <summary>
    /// Ultralytics' classify arguments mapped onto these options, with Ultralytics' defaults: `scale` 0.5 becomes
    /// the crop-area range (1 - scale, 1) = (0.5, 1), as in ultralytics ClassificationDataset.
    /// For digits (MNIST) pass fliplr 0 (or use <see cref="None"/>): a mirrored 2 is not a 2.
    /// </summary>
    public static ClassifyAugmentOptions FromUltralytics(double scale = 0.5, double fliplr = 0.5, double flipud = 0.0,
        double hsvH = 0.015, double hsvS = 0.7, double hsvV = 0.4, double erasing = 0.4, double degrees = 0.0) => new()
    {
        ScaleMin = 1.0 - scale, ScaleMax = 1.0, FlipLR = fliplr, FlipUD = flipud, HsvH = hsvH, HsvS = hsvS, HsvV = hsvV,
        Erasing = erasing, Degrees = degrees,
    };

    /// <summary>Throws an ArgumentException naming the first invalid value (by its Ultralytics name where it has one).</summary>
    public void Validate()
    {
        static void Probability(string name, double p)
        {
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"invalid value for '{name}': {p} (expected a probability in [0, 1])");
        }
        static void NonNegative(string name, double v)
        {
            if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException($"invalid value for '{name}': {v} (expected a number >= 0)");
        }
        if (!(ScaleMin > 0 && ScaleMin <= ScaleMax && ScaleMax <= 1))
            throw new ArgumentException($"invalid value for 'scale': crop area range ({ScaleMin}, {ScaleMax}) must satisfy 0 < min <= max <= 1");
        if (!(RatioMin > 0 && RatioMin <= RatioMax) || double.IsInfinity(RatioMax))
            throw new ArgumentException($"invalid crop aspect ratio range ({RatioMin}, {RatioMax})");
        Probability("fliplr", FlipLR);
        Probability("flipud", FlipUD);
        Probability("erasing", Erasing);
        Probability("grayscale", Grayscale);
        NonNegative("degrees", Degrees);
        Probability("hsv_h", HsvH);
        Probability("hsv_s", HsvS);
        Probability("hsv_v", HsvV);
        if (!(ErasingScale.Min > 0 && ErasingScale.Min <= ErasingScale.Max && ErasingScale.Max < 1))
            throw new ArgumentException($"invalid erasing scale range ({ErasingScale.Min}, {ErasingScale.Max})");
        if (!(ErasingRatio.Min > 0 && ErasingRatio.Min <= ErasingRatio.Max))
            throw new ArgumentException($"invalid erasing ratio range ({ErasingRatio.Min}, {ErasingRatio.Max})");
    }

    /// <summary>Ultralytics' classify datasets use scale = (1 - args.scale, 1).</summary>
    public ClassifyAugmentOptions WithUltralyticsScale(double scale) => this with { ScaleMin = 1.0 - scale, ScaleMax = 1.0 };
}
