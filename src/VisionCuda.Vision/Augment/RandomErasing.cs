using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Augment;

/// <summary>torchvision RandomErasing(value=0) on one normalised CHW sample: a rectangle of random area fraction
/// and log-uniform aspect ratio is set to 0 in every channel (10 tries to fit, else nothing).</summary>
public static class RandomErasing
{
    public static void Apply(ref RandomStream rng, Span<float> chw, int channels, int height, int width,
        (double Min, double Max) scale, (double Min, double Max) ratio)
    {
        double area = (double)height * width;
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double eraseArea = area * rng.Uniform(scale.Min, scale.Max);
            double aspect = Math.Exp(rng.Uniform(logMin, logMax));
            int h = (int)Math.Round(Math.Sqrt(eraseArea * aspect), MidpointRounding.ToEven);
            int w = (int)Math.Round(Math.Sqrt(eraseArea / aspect), MidpointRounding.ToEven);
            if (!(h < height && w < width) || h <= 0 || w <= 0) continue;
            int top = rng.NextInt(height - h + 1), left = rng.NextInt(width - w + 1);
            for (int c = 0; c < channels; c++)
                for (int y = top; y < top + h; y++)
                    chw.Slice(c * height * width + y * width + left, w).Clear();
            return;
        }
    }
}
