using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Loading;

/// <summary>Everything the train / val loaders of a classification run need, with Ultralytics' names in the
/// comments. Defaults follow Ultralytics classify where it has one.</summary>
public sealed record ClassifyPipelineOptions
{
    public int ImgSz { get; init; } = 224;            // imgsz
    public int Batch { get; init; } = 16;             // batch
    public int Workers { get; init; } = Math.Min(4, Environment.ProcessorCount); // workers
    public ulong Seed { get; init; }                  // seed
    public int Prefetch { get; init; } = 2;
    public bool DropLast { get; init; }

    /// <summary>Train-time augmentation; <see cref="ClassifyAugmentOptions.None"/> turns it off.</summary>
    public ClassifyAugmentOptions Augment { get; init; } = ClassifyAugmentOptions.Default;

    /// <summary>Null: ImageNet for 3-channel data, none (x/255) for 1-channel data.</summary>
    public Normalization? Normalization { get; init; }

    /// <summary>Null: the data set's own channel count.</summary>
    public int? Channels { get; init; }

    public double Mixup { get; init; }                // mixup
    public double Cutmix { get; init; }               // cutmix

    /// <summary>Draw training samples with a class-balanced <see cref="WeightedRandomSampler"/> instead of shuffling.</summary>
    public bool BalancedSampling { get; init; }

    public Action<string>? Warn { get; init; }
}

/// <summary>Builds the standard train and val loaders from a <see cref="ClassificationData"/>.</summary>
public static class ClassifyPipeline
{
    public static DataLoader TrainLoader(IClassificationDataset train, ClassifyPipelineOptions o)
    {
        int channels = o.Channels ?? train.Channels;
        var transform = new ClassifyTrainTransform(o.ImgSz, o.Augment, o.Normalization, channels, o.Seed);
        return new DataLoader(train, transform, new DataLoaderOptions
        {
            BatchSize = o.Batch, Workers = o.Workers, Prefetch = o.Prefetch, Shuffle = true, Seed = o.Seed, DropLast = o.DropLast,
            Sampler = o.BalancedSampling ? WeightedRandomSampler.Balanced(train, o.Seed) : null,
            Mix = o.Mixup > 0 || o.Cutmix > 0 ? new MixupCutmix(o.Mixup, o.Cutmix, o.Seed) : null,
            Warn = o.Warn,
        });
    }

    public static DataLoader ValLoader(IClassificationDataset val, ClassifyPipelineOptions o)
    {
        int channels = o.Channels ?? val.Channels;
        var transform = new ClassifyValTransform(o.ImgSz, o.Normalization, channels);
        return new DataLoader(val, transform, new DataLoaderOptions
        {
            BatchSize = o.Batch, Workers = o.Workers, Prefetch = o.Prefetch, Shuffle = false, Warn = o.Warn,
        });
    }
}
