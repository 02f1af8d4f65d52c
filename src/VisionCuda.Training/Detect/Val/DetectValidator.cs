using System.Diagnostics;
using VisionCuda.Backends;
using VisionCuda.Models.Yolo;
using VisionCuda.Training.Detect.Loss;
using VisionCuda.Training.Detect.Metrics;
using VisionCuda.Training.Detect.Nms;
using VisionCuda.Training.Detect.Train;
using VisionCuda.Training.Common;
using VisionCuda.Training.Options;
using VisionCuda.Training.Runs;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Detect.Val;

/// <summary>What a validation pass produced: COCO mAP, P/R at max F1, per-class numbers, confusion, and the mean loss items.</summary>
public sealed record DetectValResult(DetectionMetricsResult Metrics, LossItems? Loss, IReadOnlyList<string> Names, int Images,
    int[] ImagesPerClass, TimeSpan Elapsed, string? RunDirectory = null)
{
    public double Precision => Metrics.Precision;
    public double Recall => Metrics.Recall;
    public double MAP50 => Metrics.MAP50;
    public double MAP5095 => Metrics.MAP5095;

    /// <summary>0.1 mAP50 + 0.9 mAP50-95 (the best checkpoint is chosen by it).</summary>
    public double Fitness => Metrics.Fitness;

    public int Instances => Metrics.GroundTruthCount.Sum();
}

/// <summary>
/// Detection validation: the one class behind both the per-epoch validation of <see cref="DetectTask"/> and
/// <c>visioncuda val detect</c>, so the two cannot disagree. Images are letterboxed into rectangular batches (as
/// Ultralytics' val loader: rect, pad 0.5, stride 32), run through <see cref="DetectInference"/> (NMS conf 0.001,
/// iou 0.7, max_det 300, one class per box), mapped back to original pixels and scored by <see cref="DetectionMetrics"/>
/// against the labels in original pixels.
/// </summary>
public sealed class DetectValidator
{
    private readonly IDetectionDataset _split;
    private readonly DetectionLoader _loader;
    private readonly IReadOnlyList<string> _names;

    public DetectValidator(IDetectionDataset split, IReadOnlyList<string> names, int imgsz, int batch, int workers, NmsSettings nms, int stride = 32,
        Action<string>? warn = null)
    {
        _split = split;
        _names = names;
        Nms = nms;
        _loader = new DetectionLoader(split, new DetectionLoaderOptions
        {
            BatchSize = batch,
            Workers = workers,
            Augment = false,
            Rect = true,
            Stride = stride,
            Pad = 0.5f,
            Augmentation = new DetectAugmentOptions { Imgsz = imgsz },
            Warn = warn,
        });
    }

    public NmsSettings Nms { get; }

    /// <summary>
    /// Validation NMS: Ultralytics' DetectionValidator settings (conf 0.001, iou 0.7, max_det 300) but one class per box,
    /// as predict. Ultralytics validates with multi_label, which adds a second-guess class per box and so reports a
    /// higher mAP than its own predictions can reach (most visibly for weak models); with one class per box, the mAP of
    /// val equals the mAP of predict's --save_txt --save_conf --conf 0.001 output (acceptance "Val agrees with predict").
    /// </summary>
    public static NmsSettings ValNms(double conf = 0.001, double iou = 0.7, int maxDet = 300, bool agnostic = false) =>
        new((float)conf, (float)iou, maxDet, agnostic, MultiLabel: false);

    /// <summary>Runs <paramref name="model"/> (put in eval mode for the pass) over the split; with <paramref name="loss"/> also the val losses.</summary>
    public DetectValResult Evaluate(YoloModel model, IBackend backend, DetectionLoss? loss = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        bool wasTraining = model.IsTraining;
        model.Eval();
        int nc = _names.Count;
        var metrics = new DetectionMetrics(nc);
        var imagesPerClass = new int[nc];
        double box = 0, cls = 0, dfl = 0;
        int batches = 0, images = 0;
        try
        {
            foreach (var batch in _loader.Epoch(0, cancellationToken))
            {
                using var b = batch;
                var r = DetectInference.Run(model, b, Nms, backend, loss);
                if (r.Loss is { } li)
                {
                    box += li.Box;
                    cls += li.Cls;
                    dfl += li.Dfl;
                }
                batches++;
                for (int i = 0; i < b.Count; i++)
                {
                    var info = b.Info[i];
                    var labels = _split.GetLabels(b.Indices[i]);
                    var gts = new GroundTruthBox[labels.Length];
                    var seen = new HashSet<int>();
                    for (int k = 0; k < labels.Length; k++)
                    {
                        var l = labels[k];
                        float w = info.OrigWidth, h = info.OrigHeight;
                        gts[k] = new GroundTruthBox(l.Cls, (l.Cx - l.W / 2) * w, (l.Cy - l.H / 2) * h, (l.Cx + l.W / 2) * w, (l.Cy + l.H / 2) * h);
                        if ((uint)l.Cls < (uint)nc && seen.Add(l.Cls)) imagesPerClass[l.Cls]++;
                    }
                    metrics.Add(r.PerImage[i], gts);
                    images++;
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        LossItems? items = loss is null || batches == 0 ? null : new LossItems(box / batches, cls / batches, dfl / batches);
        return new DetectValResult(metrics.Compute(), items, _names, images, imagesPerClass, clock.Elapsed);
    }

    /// <summary>
    /// <c>visioncuda val detect</c>: loads weights, evaluates them on a split of the data set and saves the confusion
    /// matrix (confusion_matrix.csv, raw and normalised) in runs/detect/&lt;name&gt;/.
    /// </summary>
    public static DetectValResult Run(DetectValOptions o, Action<string>? warn = null, CancellationToken cancellationToken = default,
        string? workingDirectory = null)
    {
        o.ValidateCommon();
        if (o.Imgsz % 32 != 0) throw new ArgumentException($"invalid value for 'imgsz': must be 0 or a multiple of 32, got {o.Imgsz}");
        var backend = Devices.Get(o.Device);
        using var w = DetectWeights.Load(o.Model!, backend);
        var data = DetectionData.Load(o.Data, new YoloDatasetOptions { SingleCls = o.SingleCls, Warn = warn is null ? null : m => warn(StripWarning(m)) });
        var split = o.PickSplit(data.Val, data.Test, data.Train, o.Data ?? "synthetic");
        if (data.Names.Count != w.Model.Nc)
            throw new ArgumentException($"{o.Model} detects {w.Model.Nc} classes but the data set has {data.Names.Count}");
        int imgsz = o.Imgsz > 0 ? o.Imgsz : w.ImageSize;
        var validator = new DetectValidator(split, data.Names, imgsz, o.Batch, o.Workers, ValNms(o.Conf, o.Iou, o.MaxDet), w.Model.MaxStride, warn);
        var loss = new DetectionLoss(w.Model);
        var result = validator.Evaluate(w.Model, backend, loss, cancellationToken);
        string dir = RunDirectory.Resolve("detect", o.Project, o.Name, o.ExistOk, workingDirectory, withWeights: false);
        ConfusionCsv.Write(dir, result.Metrics.Confusion.Matrix, data.Names, background: true);
        return result with { RunDirectory = dir };
    }

    /// <summary>Messages from the data layer carry their own "WARNING " prefix; reporters add theirs.</summary>
    public static string StripWarning(string m) => m.StartsWith("WARNING ", StringComparison.Ordinal) ? m["WARNING ".Length..] : m;
}
