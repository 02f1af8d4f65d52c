namespace VisionCuda.Vision.Detection;

/// <summary>Detection augmentation hyper-parameters with Ultralytics' names and defaults (default.yaml).</summary>
public sealed record DetectAugmentOptions
{
    /// <summary>Output size S (square S x S batches unless rect).</summary>
    public int Imgsz { get; init; } = 640;

    public float HsvH { get; init; } = 0.015f;
    public float HsvS { get; init; } = 0.7f;
    public float HsvV { get; init; } = 0.4f;
    public float Degrees { get; init; }
    public float Translate { get; init; } = 0.1f;
    public float Scale { get; init; } = 0.5f;
    public float Shear { get; init; }
    public float Perspective { get; init; }
    public float Flipud { get; init; }
    public float Fliplr { get; init; } = 0.5f;

    /// <summary>Probability of a 4-image mosaic.</summary>
    public float Mosaic { get; init; } = 1f;

    /// <summary>Probability of mixup (Beta(32, 32) blend with a second augmented sample).</summary>
    public float Mixup { get; init; }

    /// <summary>The last N epochs run without mosaic and mixup.</summary>
    public int CloseMosaic { get; init; } = 10;
}
