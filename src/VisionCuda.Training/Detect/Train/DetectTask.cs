using System.Globalization;
using VisionCuda.Backends;
using VisionCuda.Models.Yolo;
using VisionCuda.NN;
using VisionCuda.Training.Common;
using VisionCuda.Training.Detect.Loss;
using VisionCuda.Training.Detect.Val;
using VisionCuda.Training.Engine;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Detect.Train;

/// <summary>
/// The detect task of the shared engine, as Ultralytics' DetectionTrainer: a YOLO dataset.yaml (or the embedded set)
/// with mosaic, mixup and the affine/HSV/flip augmentations, mosaic closed for the last close_mosaic epochs (of the
/// possibly refitted count); a YOLO model from a model YAML or weights; the loss summed over the batch (box 7.5,
/// cls 0.5, dfl 1.5, x batch size); the EMA model validated by <see cref="DetectValidator"/> (the code of
/// <c>val detect</c>) with fitness 0.1 mAP50 + 0.9 mAP50-95.
/// </summary>
public sealed class DetectTask : ITrainingTask<DetectionBatch>
{
    /// <summary>
    /// optimizer=auto picks AdamW for short runs; from scratch (a model YAML) its lr is this instead of Ultralytics'
    /// round(0.002 * 5 / (4 + nc), 6), which was fitted for pretrained weights (0.001 for 6 classes, 0.00012 for 80).
    /// Fine-tuning from weights keeps Ultralytics' rate. On the embedded set at imgsz 320, 9 minutes on the shared
    /// 2-core CPU (noisy, shared): this lr with nbs 16 reached mAP50 0.88 / mAP50-95 0.66 (12 epochs), Ultralytics' values
    /// (0.001, nbs 64) mAP50 0.23 / mAP50-95 0.13 (7 epochs; by epoch 5: 0.33 against 0.10).
    /// </summary>
    public const double ScratchAdamWLr = 0.002;

    public static readonly string[] Metrics = { "metrics/precision(B)", "metrics/recall(B)", "metrics/mAP50(B)", "metrics/mAP50-95(B)" };

    private readonly DetectTrainOptions _o;
    private readonly IBackend _backend;
    private readonly ITrainingReporter _report;
    private readonly Action<string> _warn;
    private readonly YoloModel _model, _ema;
    private readonly IDetectionDataset _trainSet;
    private readonly DetectAugmentOptions _augment;
    private readonly DetectValidator _validator;
    private readonly DetectionLoss _criterion;
    private DetectionLoader? _loader;
    private DetectValResult? _lastVal;

    public DetectTask(DetectTrainOptions o, IBackend backend, ITrainingReporter report)
    {
        _o = o;
        _backend = backend;
        _report = report;
        _warn = m => report.Warning(DetectValidator.StripWarning(m));
        var (trainSet, valSet, names, description) = OpenData(o, _warn);
        _trainSet = trainSet;
        Names = names;
        report.Info($"data: {description}; {trainSet.Count} training images, {valSet.Count} validation images, {names.Count} classes");
        int imgsz = o.Imgsz!.Value;
        _model = DetectModels.Build(o.Model, names.Count, backend, report, (ulong)o.Seed);
        if (o.Freeze > 0) report.Info($"freezing {_model.FreezeFirst(o.Freeze).Count} parameters of the first {o.Freeze} layers");
        report.Info(_model.Summary(imgsz));
        _ema = DetectModels.Twin(_model, backend);
        if (o.Rect) report.Warning("rect training: batches stay square (the training loader letterboxes to imgsz), mosaic is off as in Ultralytics");
        _augment = new DetectAugmentOptions
        {
            Imgsz = imgsz,
            HsvH = (float)o.HsvH, HsvS = (float)o.HsvS, HsvV = (float)o.HsvV,
            Degrees = (float)o.Degrees, Translate = (float)o.Translate, Scale = (float)o.Scale, Shear = (float)o.Shear,
            Perspective = (float)o.Perspective, Flipud = (float)o.Flipud, Fliplr = (float)o.Fliplr,
            Mosaic = o.Rect ? 0f : (float)o.Mosaic, Mixup = (float)o.Mixup,
            CloseMosaic = 0,   // closed here, by switching loaders, so a refitted epoch count (time) moves it
        };
        _validator = new DetectValidator(valSet, names, imgsz, o.Batch * 2, o.Workers, DetectValidator.ValNms(o.Conf, o.Iou, o.MaxDet, o.SingleCls),
            _model.MaxStride, _warn);
        _criterion = new DetectionLoss(_model, new DetectionLossOptions
        {
            Box = (float)o.Box, Cls = (float)o.Cls, Dfl = (float)o.Dfl,
            ClassWeights = ClassWeightsArg.Parse(o.ClsWeights, names.Count, trainSet.InverseFrequencyWeights),
        });
        AutoAdamWLr = ModelArg.IsWeightsFile(o.Model) ? null : ScratchAdamWLr;
        WeightsMetadata = DetectModels.WeightsMetadata(_model, names, imgsz);
    }

    private static (IDetectionDataset Train, IDetectionDataset Val, IReadOnlyList<string> Names, string Description) OpenData(DetectTrainOptions o, Action<string> warn)
    {
        var data = DetectionData.Load(o.Data, new YoloDatasetOptions { SingleCls = o.SingleCls, Warn = warn });
        IDetectionDataset train = data.Train, val = data.Val;
        IReadOnlyList<string> names = data.Names;
        if (o.SingleCls && o.IsEmbeddedData)
        {
            train = new SingleClassView(train);
            val = new SingleClassView(val);
            names = train.Names;
        }
        if (o.Fraction < 1) train = new PrefixView(train, (int)Math.Round(train.Count * o.Fraction));
        return (train, val, names, data.Description);
    }

    public string Task => "detect";

    public IReadOnlyList<string> LossNames { get; } = ["box_loss", "cls_loss", "dfl_loss"];

    public IReadOnlyList<string> MetricNames => Metrics;

    public Module Model => _model;

    public Module EmaModel => _ema;

    public IReadOnlyList<string> Names { get; }

    public int NumClasses => Names.Count;

    public int TrainImages => _trainSet.Count;

    public int BatchesPerEpoch => (_trainSet.Count + _o.Batch - 1) / _o.Batch;

    public double? AutoAdamWLr { get; }

    public IReadOnlyDictionary<string, string> WeightsMetadata { get; }

    public IEnumerable<TrainBatch<DetectionBatch>> Epoch(int epoch, int epochs, CancellationToken cancellationToken)
    {
        // Ultralytics closes mosaic at epoch (epochs - close_mosaic); a run shorter than close_mosaic keeps it. ">=" rather
        // than "==" so that a refitted epoch count (time) cannot jump over the closing epoch.
        bool mosaicOn = _augment.Mosaic > 0 || _augment.Mixup > 0;
        int closeAt = epochs - _o.CloseMosaic;
        bool mosaic = mosaicOn && !(_o.CloseMosaic > 0 && closeAt >= 0 && epoch >= closeAt);
        if (_loader is null || (_loader.Options.Augmentation.Mosaic > 0 || _loader.Options.Augmentation.Mixup > 0) != mosaic)
        {
            if (_loader is not null && !mosaic) _report.Info("closing dataloader mosaic");
            _loader = MakeLoader(mosaic, epochs);
        }
        return _loader.Epoch(epoch, cancellationToken).Select(b => new TrainBatch<DetectionBatch>(b, b.BatchIndex, b.Count));
    }

    private DetectionLoader MakeLoader(bool mosaic, int epochs) => new(_trainSet, new DetectionLoaderOptions
    {
        BatchSize = _o.Batch,
        Workers = _o.Workers,
        Shuffle = true,
        Seed = (ulong)_o.Seed,
        Augment = true,
        Augmentation = mosaic ? _augment : _augment with { Mosaic = 0, Mixup = 0 },
        Epochs = epochs,
        Stride = _model.MaxStride,
        CacheImages = _o.CacheImages,
        Warn = _warn,
        DeviceAugment = AugmentBatchPlan.PreferredFor(_backend),
    });

    public TaskLoss Loss(DetectionBatch b)
    {
        var levels = _model.ForwardLevels(b.ToTensor(_backend));
        var r = _criterion.Compute(levels, DetectionTargets.FromRows(b.Targets), b.Height, b.Width);
        return new TaskLoss(r.Total, [r.Box, r.Cls, r.Dfl]);
    }

    public ValidationOutcome Validate(CancellationToken cancellationToken)
    {
        var v = _validator.Evaluate(_ema, _backend, _criterion, cancellationToken);
        _lastVal = v;
        var metrics = new Dictionary<string, double>
        {
            [Metrics[0]] = v.Precision, [Metrics[1]] = v.Recall, [Metrics[2]] = v.MAP50, [Metrics[3]] = v.MAP5095,
        };
        double[]? loss = v.Loss is { } l ? [l.Box, l.Cls, l.Dfl] : null;
        _report.Info(string.Create(CultureInfo.InvariantCulture,
            $"  validation: {v.Images} images, {v.Instances} instances  P {v.Precision:F4}  R {v.Recall:F4}  mAP50 {v.MAP50:F4}  mAP50-95 {v.MAP5095:F4}"));
        return new ValidationOutcome(metrics, loss, v.Fitness, v.Elapsed);
    }

    public void SaveValidationArtifacts(string runDirectory)
    {
        if (_lastVal is { } v) ConfusionCsv.Write(runDirectory, v.Metrics.Confusion.Matrix, Names, background: true);
    }

    public void Dispose()
    {
        _model.Dispose();
        _ema.Dispose();
    }
}
