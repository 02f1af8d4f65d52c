using VisionCuda.Random;
using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Augment;

/// <summary>
/// Batch-level mixup and cutmix on a float batch [B, C, H, W] (after normalisation), with label mixing.
///
/// Per sample i: a partner p(i) from a Philox permutation of the batch; with probability <see cref="Mixup"/> the
/// image becomes lam * x_i + (1 - lam) * x_p(i), lam ~ Beta(MixupAlpha, MixupAlpha); otherwise with probability
/// <see cref="Cutmix"/> a box of area fraction (1 - lam) (lam ~ Beta(CutmixAlpha, CutmixAlpha), centre uniform,
/// clipped at the border as torchvision does) is pasted from x_p(i) and lam is recomputed from the clipped box.
/// Partners are read from the unmixed batch. Draws are keyed by (seed, epoch, batch index, Mixup): the result
/// depends only on the batch's contents, not on worker timing.
/// </summary>
public sealed class MixupCutmix
{
    public double Mixup { get; }
    public double Cutmix { get; }
    public double MixupAlpha { get; }
    public double CutmixAlpha { get; }
    public ulong Seed { get; }

    public bool Enabled => Mixup > 0 || Cutmix > 0;

    /// <param name="mixup">Ultralytics `mixup`: probability per sample.</param>
    /// <param name="cutmix">Ultralytics `cutmix`: probability per sample (when mixup was not chosen).</param>
    /// <param name="mixupAlpha">Beta parameter for mixup (timm default 0.8).</param>
    /// <param name="cutmixAlpha">Beta parameter for cutmix (timm default 1.0).</param>
    public MixupCutmix(double mixup, double cutmix, ulong seed = 0, double mixupAlpha = 0.8, double cutmixAlpha = 1.0)
    {
        if (mixup is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(mixup), mixup, "mixup must be in [0, 1]");
        if (cutmix is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(cutmix), cutmix, "cutmix must be in [0, 1]");
        if (mixupAlpha <= 0 || cutmixAlpha <= 0) throw new ArgumentOutOfRangeException(nameof(mixupAlpha), "alpha must be positive");
        Mixup = mixup; Cutmix = cutmix; MixupAlpha = mixupAlpha; CutmixAlpha = cutmixAlpha; Seed = seed;
    }

    /// <summary>Mixes <paramref name="images"/> in place and returns one <see cref="MixedTargets"/> per sample.</summary>
    public MixedTargets[] Apply(Span<float> images, ReadOnlySpan<int> labels, int channels, int height, int width, long epoch, long batchIndex)
    {
        int n = labels.Length, sample = channels * height * width, plane = height * width;
        if (images.Length != n * sample) throw new ArgumentException($"batch holds {images.Length} floats, expected {n * sample}");
        var targets = MixedTargets.FromLabels(labels);
        if (!Enabled || n < 2) return targets;

        ulong key = Philox.Key(Seed, epoch, batchIndex, RandomPurpose.Mixup);
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        new RandomStream(key, 0).Shuffle(perm.AsSpan());

        float[] original = images.ToArray();
        for (int i = 0; i < n; i++)
        {
            var rng = new RandomStream(key, (ulong)(i + 1) << 16);
            int p = perm[i];
            bool doMixup = rng.Bernoulli(Mixup);
            bool doCutmix = !doMixup && rng.Bernoulli(Cutmix);
            if (!doMixup && !doCutmix) continue;
            var dst = images.Slice(i * sample, sample);
            var partner = original.AsSpan(p * sample, sample);
            float lam;
            if (doMixup)
            {
                lam = (float)rng.Beta(MixupAlpha, MixupAlpha);
                for (int k = 0; k < sample; k++) dst[k] = lam * dst[k] + (1f - lam) * partner[k];
            }
            else
            {
                double drawn = rng.Beta(CutmixAlpha, CutmixAlpha);
                var (x1, y1, x2, y2) = CutBox(ref rng, drawn, height, width);
                for (int c = 0; c < channels; c++)
                    for (int y = y1; y < y2; y++)
                        partner.Slice(c * plane + y * width + x1, x2 - x1).CopyTo(dst.Slice(c * plane + y * width + x1, x2 - x1));
                lam = 1f - (float)((double)(x2 - x1) * (y2 - y1) / plane);
            }
            targets[i] = new MixedTargets(labels[i], labels[p], lam);
        }
        return targets;
    }

    /// <summary>torchvision CutMix box: side ratio sqrt(1 - lam), centre uniform, clipped to the image.</summary>
    internal static (int X1, int Y1, int X2, int Y2) CutBox(ref RandomStream rng, double lam, int height, int width)
    {
        double r = Math.Sqrt(1.0 - lam);
        int halfW = (int)(r * width / 2), halfH = (int)(r * height / 2);
        int cx = rng.NextInt(width), cy = rng.NextInt(height);
        return (Math.Max(cx - halfW, 0), Math.Max(cy - halfH, 0), Math.Min(cx + halfW, width), Math.Min(cy + halfH, height));
    }
}
