using VisionCuda.Vision.Augment;

namespace VisionCuda.Vision.Tests;

public class MixupTests
{
    private const int N = 8, C = 2, H = 6, W = 5, S = C * H * W;

    /// <summary>Sample i is the constant i + 1 (label i), so every mixed pixel tells where it came from.</summary>
    private static (float[] Images, int[] Labels) ConstantBatch()
    {
        var images = new float[N * S];
        for (int i = 0; i < N; i++) images.AsSpan(i * S, S).Fill(i + 1);
        return (images, Enumerable.Range(0, N).ToArray());
    }

    [Fact]
    public void MixupBlendsPixelsWithTheReportedLambda()
    {
        var (images, labels) = ConstantBatch();
        var targets = new MixupCutmix(mixup: 1, cutmix: 0, seed: 5).Apply(images, labels, C, H, W, epoch: 0, batchIndex: 3);
        int mixed = 0;
        for (int i = 0; i < N; i++)
        {
            var t = targets[i];
            Assert.Equal(i, t.A);
            Assert.InRange(t.Lambda, 0f, 1f);
            float expected = t.Lambda * (t.A + 1) + (1 - t.Lambda) * (t.B + 1);
            Assert.All(images.AsSpan(i * S, S).ToArray(), v => Assert.Equal(expected, v, 4));
            if (t.A != t.B) mixed++;
        }
        Assert.True(mixed >= N / 2, $"only {mixed} samples got a different partner");
    }

    [Fact]
    public void CutmixLambdaIsTheKeptAreaFraction()
    {
        var (images, labels) = ConstantBatch();
        var targets = new MixupCutmix(mixup: 0, cutmix: 1, seed: 9).Apply(images, labels, C, H, W, epoch: 1, batchIndex: 0);
        for (int i = 0; i < N; i++)
        {
            var t = targets[i];
            var sample = images.AsSpan(i * S, S).ToArray();
            int fromA = sample.Count(v => v == t.A + 1), fromB = sample.Count(v => v == t.B + 1);
            if (t.A == t.B) { Assert.Equal(S, fromA); continue; }
            Assert.Equal(S, fromA + fromB);
            Assert.Equal(t.Lambda, fromA / (float)S, 5);
            Assert.Equal(sample.Take(H * W).Count(v => v == t.A + 1), sample.Skip(H * W).Count(v => v == t.A + 1)); // same box per channel
        }
    }

    [Fact]
    public void SoftTargetsCarryTheLambdas()
    {
        MixedTargets[] t = [new(0, 2, 0.75f), new(1, 1, 1f), new(2, 2, 0.3f)];
        var soft = MixedTargets.ToSoft(t, 3);
        Assert.Equal([0.75f, 0f, 0.25f, 0f, 1f, 0f, 0f, 0f, 1f], soft);
    }

    [Fact]
    public void MixingIsAFunctionOfTheBatchKey()
    {
        var (a, labels) = ConstantBatch();
        var (b, _) = ConstantBatch();
        var (c, _) = ConstantBatch();
        var mix = new MixupCutmix(0.5, 0.5, seed: 1);
        var ta = mix.Apply(a, labels, C, H, W, 2, 7);
        var tb = mix.Apply(b, labels, C, H, W, 2, 7);
        var tc = mix.Apply(c, labels, C, H, W, 2, 8);
        Assert.Equal(ta, tb);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void DisabledMixingLeavesTheBatchAlone()
    {
        var (images, labels) = ConstantBatch();
        var before = images.ToArray();
        var t = new MixupCutmix(0, 0).Apply(images, labels, C, H, W, 0, 0);
        Assert.Equal(before, images);
        Assert.All(t, x => Assert.Equal(1f, x.Lambda));
    }
}
