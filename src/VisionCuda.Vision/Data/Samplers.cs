using VisionCuda.Random;

namespace VisionCuda.Vision.Data;

/// <summary>Decides which data set indices an epoch visits, and in what order. Must be a pure function of the
/// epoch (no hidden state) so a resumed run sees the same order.</summary>
public interface ISampler
{
    /// <summary>Number of positions per epoch.</summary>
    int Length { get; }

    int[] Order(long epoch);
}

/// <summary>0, 1, ..., n-1 every epoch (validation).</summary>
public sealed class SequentialSampler(int count) : ISampler
{
    public int Length => count;
    public int[] Order(long epoch) => Enumerable.Range(0, count).ToArray();
}

/// <summary>A fresh permutation per epoch: Fisher-Yates on the Philox stream (seed, epoch, 0, Shuffle).</summary>
public sealed class ShuffleSampler(int count, ulong seed) : ISampler
{
    public int Length => count;

    public int[] Order(long epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new RandomStream(seed, epoch, 0, RandomPurpose.Shuffle).Shuffle(order.AsSpan());
        return order;
    }
}

/// <summary>
/// torch.utils.data.WeightedRandomSampler with replacement: each of <see cref="Length"/> positions draws index i
/// with probability w_i / sum(w), by binary search in the cumulative weights with a 53-bit uniform from the
/// Philox stream (seed, epoch, 0, Sampler).
/// </summary>
public sealed class WeightedRandomSampler : ISampler
{
    private readonly double[] _cumulative;
    private readonly ulong _seed;

    public WeightedRandomSampler(IReadOnlyList<double> weights, ulong seed, int? numSamples = null)
    {
        if (weights.Count == 0) throw new ArgumentException("weights are empty", nameof(weights));
        _cumulative = new double[weights.Count];
        double sum = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i])) throw new ArgumentOutOfRangeException(nameof(weights), weights[i], $"weight {i} must be finite and non-negative");
            sum += weights[i];
            _cumulative[i] = sum;
        }
        if (sum <= 0) throw new ArgumentException("weights sum to zero", nameof(weights));
        _seed = seed;
        Length = numSamples ?? weights.Count;
        if (Length <= 0) throw new ArgumentOutOfRangeException(nameof(numSamples), Length, "numSamples must be positive");
    }

    /// <summary>Weights every sample by the inverse frequency of its class, so classes come out about equally often.</summary>
    public static WeightedRandomSampler Balanced(IClassificationDataset dataset, ulong seed, int? numSamples = null) =>
        new(ClassWeights.PerSample(dataset, ClassWeights.InverseFrequency(dataset)), seed, numSamples);

    public int Length { get; }

    public int[] Order(long epoch)
    {
        var rng = new RandomStream(_seed, epoch, 0, RandomPurpose.Sampler);
        double total = _cumulative[^1];
        var order = new int[Length];
        for (int k = 0; k < order.Length; k++)
        {
            double u = rng.NextDouble() * total;
            int i = Array.BinarySearch(_cumulative, u);
            i = i >= 0 ? i + 1 : ~i;
            // first i with cumulative[i] > u (an exact hit may sit among zero-weight entries)
            while (i < _cumulative.Length - 1 && _cumulative[i] <= u) i++;
            order[k] = Math.Min(i, _cumulative.Length - 1);
        }
        return order;
    }
}
