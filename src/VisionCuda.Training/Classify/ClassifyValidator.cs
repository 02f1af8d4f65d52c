using VisionCuda.Training.Common;
using VisionCuda.Training.Options;
using VisionCuda.Training.Runs;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Training.Classify;

/// <summary>Validation report: top-1, top-5, per-class accuracy, the confusion matrix (rows true class) and the run folder it was saved to.</summary>
public sealed record ValReport(double Top1, double Top5, double Loss, IReadOnlyList<string> Names, double[] PerClass, long[,] Confusion, long Images,
    string? RunDirectory = null);

/// <summary><c>visioncuda val classify</c>: evaluates weights on a split with the same pipeline as validation during training.</summary>
public static class ClassifyValidator
{
    /// <summary>Evaluates, then saves the confusion matrix (confusion_matrix.csv, normalised and raw) in runs/classify/&lt;name&gt;/.</summary>
    public static ValReport Run(ValOptions o, Action<string>? warn = null, CancellationToken cancellationToken = default, string? workingDirectory = null)
    {
        o.ValidateCommon();
        var backend = Devices.Get(o.Device);
        using var w = ClassifyWeights.Load(o.Model!, backend);
        var data = ClassifyDataFactory.Open(new ClassifyTrainOptions { Data = o.Data });
        var split = o.PickSplit(data.Val, data.Test, null, o.Data ?? "synthetic");
        if (data.NumClasses != w.Spec.NumClasses)
            throw new ArgumentException($"{o.Model} predicts {w.Spec.NumClasses} classes but the data set has {data.NumClasses}");
        int imgsz = o.Imgsz > 0 ? o.Imgsz : w.ImageSize;
        var loader = new DataLoader(split, new ClassifyValTransform(imgsz, null, data.Channels),
            new DataLoaderOptions { BatchSize = o.Batch, Workers = o.Workers, Warn = warn });
        var m = ClassifyEvaluator.Evaluate(w.Model, loader, new ClassifyLoss(0, 0, null), data.NumClasses, backend, cancellationToken);
        string dir = RunDirectory.Resolve("classify", o.Project, o.Name, o.ExistOk, workingDirectory, withWeights: false);
        ConfusionCsv.Write(dir, PredictedByTrue(m.Confusion), data.ClassNames, background: false);
        return new ValReport(m.Top1, m.Top5, m.Loss, data.ClassNames, m.PerClassAccuracy(), m.Confusion, m.Count, dir);
    }

    /// <summary>The classify matrix (rows true class) in Ultralytics' layout, rows predicted class and columns true class.</summary>
    public static long[,] PredictedByTrue(long[,] trueByPredicted)
    {
        int n = trueByPredicted.GetLength(0);
        var t = new long[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) t[j, i] = trueByPredicted[i, j];
        return t;
    }
}
