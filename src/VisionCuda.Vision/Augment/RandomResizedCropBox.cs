using OpenCvSharp;
using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Augment;

/// <summary>The crop box of torchvision RandomResizedCrop.get_params: 10 tries at a random area fraction and
/// log-uniform aspect ratio, then a centre crop with the ratio clamped to the allowed range.</summary>
public static class RandomResizedCropBox
{
    public static Rect Sample(ref RandomStream rng, int width, int height, double scaleMin, double scaleMax, double ratioMin, double ratioMax)
    {
        double area = (double)width * height;
        double logMin = Math.Log(ratioMin), logMax = Math.Log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * rng.Uniform(scaleMin, scaleMax);
            double aspect = Math.Exp(rng.Uniform(logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(target * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(target / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = rng.NextInt(height - h + 1), left = rng.NextInt(width - w + 1);
                return new Rect(left, top, w, h);
            }
        }
        double inRatio = (double)width / height;
        int cw, ch;
        if (inRatio < ratioMin) { cw = width; ch = (int)Math.Round(cw / ratioMin, MidpointRounding.ToEven); }
        else if (inRatio > ratioMax) { ch = height; cw = (int)Math.Round(ch * ratioMax, MidpointRounding.ToEven); }
        else { cw = width; ch = height; }
        cw = Math.Clamp(cw, 1, width);
        ch = Math.Clamp(ch, 1, height);
        return new Rect((width - cw) / 2, (height - ch) / 2, cw, ch);
    }
}
