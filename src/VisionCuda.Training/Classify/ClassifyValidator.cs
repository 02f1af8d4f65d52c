using VisionCuda.Training.Options;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Training.Classify;

/// <summary>Validation report: top-1, top-5, per-class accuracy and the confusion matrix.</summary>
public sealed record ValReport(double Top1, double Top5, double Loss, IReadOnlyList<string> Names, double[] PerClass, long[,] Confusion, long Images);

/// <summary><c>visioncuda val classify</c>: evaluates weights on a split with the same pipeline as validation during training.</summary>
public static class ClassifyValidator
{
    public static ValReport Run(ValOptions o, Action<string>? warn = null)
    {
        if (string.IsNullOrWhiteSpace(o.Model)) throw new ArgumentException("invalid value for 'model': val needs --model path/to/weights.safetensors");
        var backend = Devices.Get(o.Device);
        using var w = ClassifyWeights.Load(o.Model, backend);
        var data = ClassifyDataFactory.Open(new TrainOptions { Data = o.Data });
        var split = o.Split.ToLowerInvariant() switch
        {
            "val" => data.Val,
            "test" => data.Test ?? throw new DatasetException(o.Data ?? "synthetic", "the data set has no test split"),
            _ => throw new ArgumentException($"invalid value for 'split': '{o.Split}' (val or test)"),
        };
        if (data.NumClasses != w.Spec.NumClasses)
            throw new ArgumentException($"{o.Model} predicts {w.Spec.NumClasses} classes but the data set has {data.NumClasses}");
        int imgsz = o.Imgsz > 0 ? o.Imgsz : w.ImageSize;
        var loader = new DataLoader(split, new ClassifyValTransform(imgsz, null, data.Channels),
            new DataLoaderOptions { BatchSize = o.Batch, Workers = o.Workers, Warn = warn });
        var m = ClassifyEvaluator.Evaluate(w.Model, loader, new ClassifyLoss(0, 0, null), data.NumClasses, backend);
        return new ValReport(m.Top1, m.Top5, m.Loss, data.ClassNames, m.PerClassAccuracy(), m.Confusion, m.Count);
    }
}
