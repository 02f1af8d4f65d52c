namespace VisionCuda.Vision.Imaging;

/// <summary>
/// Per-channel normalisation applied when bytes become floats: x = (v / 255 - mean[c]) / std[c].
/// <see cref="ImageNet"/> is the default for RGB data; <see cref="None"/> only scales to [0, 1] (MNIST-style data).
/// A 3-value mean/std used on 1-channel images collapses to the average of the three values.
/// </summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    public static Normalization None { get; } = new([0f], [1f]);

    /// <summary>The usual MNIST statistics (0.1307, 0.3081).</summary>
    public static Normalization Mnist { get; } = new([0.1307f], [0.3081f]);

    /// <summary>"imagenet", "none" or "mnist" (case-insensitive).</summary>
    public static Normalization Parse(string name) => name.ToLowerInvariant() switch
    {
        "imagenet" => ImageNet,
        "none" => None,
        "mnist" => Mnist,
        _ => throw new ArgumentException($"unknown normalization '{name}' (expected imagenet, none or mnist)"),
    };

    /// <summary>Scale and offset per channel so that x = v * scale + offset for a byte value v.</summary>
    public (float Scale, float Offset) For(int channel, int channels)
    {
        float mean = Pick(Mean, channel, channels), std = Pick(Std, channel, channels);
        if (std <= 0) throw new ArgumentException("normalization std must be positive");
        return (1f / (255f * std), -mean / std);
    }

    private static float Pick(float[] values, int channel, int channels)
    {
        if (values.Length == 1) return values[0];
        if (channels == 1) return values.Average();
        if (values.Length != channels) throw new ArgumentException($"normalization has {values.Length} values for {channels} channels");
        return values[channel];
    }
}
