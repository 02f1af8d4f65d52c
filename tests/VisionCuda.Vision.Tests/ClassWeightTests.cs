using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Tests;

public class ClassWeightTests
{
    [Fact]
    public void InverseFrequencyNormalisedToMeanOne()
    {
        // w = N / (C n_c) = 100/30, 100/90, 100/180 = 3.333, 1.111, 0.556 (mean 1.667) -> 2, 2/3, 1/3
        var w = ClassWeights.InverseFrequency([10, 30, 60]);
        Assert.Equal(2f, w[0], 5);
        Assert.Equal(2f / 3, w[1], 5);
        Assert.Equal(1f / 3, w[2], 5);
        Assert.Equal(1f, w.Average(), 5);
    }

    [Fact]
    public void EmptyClassGetsZeroAndOthersAverageOne()
    {
        var w = ClassWeights.InverseFrequency([10, 0, 30]);
        Assert.Equal([1.5f, 0f, 0.5f], w.Select(x => MathF.Round(x, 5)).ToArray());
        Assert.Equal([1f, 1f], ClassWeights.InverseFrequency([7, 7]));
    }

    [Fact]
    public void BalancedSamplerDrawsClassesEvenlyAndDeterministically()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i < 90 ? 0 : 1).ToArray();
        var w = ClassWeights.InverseFrequency([90, 10]);
        var perSample = labels.Select(l => (double)w[l]).ToArray();
        var sampler = new WeightedRandomSampler(perSample, seed: 3, numSamples: 20000);
        var order = sampler.Order(0);
        double ones = order.Count(i => labels[i] == 1) / 20000.0;
        Assert.InRange(ones, 0.47, 0.53);
        Assert.Equal(order, sampler.Order(0));
        Assert.NotEqual(order, sampler.Order(1));
    }

    [Fact]
    public void WeightedSamplerNeverPicksZeroWeights()
    {
        var sampler = new WeightedRandomSampler([0, 1, 0, 0, 3, 0], seed: 1, numSamples: 4000);
        var order = sampler.Order(5);
        Assert.All(order, i => Assert.True(i is 1 or 4));
        Assert.InRange(order.Count(i => i == 4) / 4000.0, 0.72, 0.78);
    }

    [Fact]
    public void ShuffleSamplerIsAPermutationPerEpoch()
    {
        var s = new ShuffleSampler(50, seed: 2);
        var e0 = s.Order(0);
        Assert.Equal(Enumerable.Range(0, 50), e0.OrderBy(x => x));
        Assert.Equal(e0, new ShuffleSampler(50, 2).Order(0));
        Assert.NotEqual(e0, s.Order(1));
    }
}
