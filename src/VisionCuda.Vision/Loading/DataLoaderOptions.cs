using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Loading;

/// <summary>Options of <see cref="DataLoader"/>, named after Ultralytics / torch DataLoader arguments.</summary>
public sealed record DataLoaderOptions
{
    public int BatchSize { get; init; } = 32;

    /// <summary>Decode/augment threads; 0 runs everything synchronously in the caller's thread.</summary>
    public int Workers { get; init; } = Math.Min(4, Environment.ProcessorCount);

    /// <summary>Batches prepared ahead of the consumer (bounded queue), at least 1.</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>A new Philox permutation each epoch (ignored when <see cref="Sampler"/> is set).</summary>
    public bool Shuffle { get; init; }

    public bool DropLast { get; init; }

    /// <summary>Seed of the shuffle; the transform and mixup carry their own seeds.</summary>
    public ulong Seed { get; init; }

    /// <summary>Overrides the sequential/shuffle order, e.g. a <see cref="WeightedRandomSampler"/>.</summary>
    public ISampler? Sampler { get; init; }

    /// <summary>Batch-level mixup/cutmix (train only); null or disabled leaves <see cref="ClassificationBatch.Mixed"/> null.</summary>
    public MixupCutmix? Mix { get; init; }

    /// <summary>Where "skipped corrupt image" warnings go; default: standard error.</summary>
    public Action<string>? Warn { get; init; }
}
