using System.Globalization;
using System.Text.Json;
using VisionCuda.Backends;
using VisionCuda.Models;
using VisionCuda.NN;
using VisionCuda.Training.Common;
using VisionCuda.Training.Engine;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Training.Classify;

/// <summary>
/// The classify task of the shared engine: an ImageFolder (or the embedded set, or MNIST) loaded with
/// random-resized-crop, flips, HSV, erasing and optional mixup/cutmix; a built-in classifier (or weights to fine-tune
/// from); cross-entropy (label smoothing, class weights) or focal loss; validation by top-1/top-5 with fitness the
/// mean of the two, as Ultralytics' classify trainer.
/// </summary>
public sealed class ClassifyTask : ITrainingTask<ClassificationBatch>
{
    /// <summary>
    /// optimizer=auto's AdamW lr from scratch. Ultralytics' fitted rate round(0.002 * 5 / (4 + nc), 6) was tuned for
    /// pretrained backbones; VisionCuda has no hub to download them from, so most runs start from scratch, and there this
    /// rate is used: on the embedded set, 10 epochs of cnn reach 95% top-1 with it against 57% (5 epochs) with
    /// Ultralytics' 0.000714. Fine-tuning from weights keeps Ultralytics' rate.
    /// </summary>
    public const double ScratchAdamWLr = 0.003;

    private readonly IBackend _backend;
    private readonly DataLoader _train, _val;
    private readonly ClassifyLoss _criterion;
    private readonly Tensor? _classWeights;
    private ClassifyMetrics? _lastMetrics;

    public ClassifyTask(ClassifyTrainOptions o, IBackend backend, ITrainingReporter report)
    {
        _backend = backend;
        var data = ClassifyDataFactory.Open(o);
        int imgsz = ClassifyDataFactory.NativeImageSize(o, data);
        o.Imgsz = imgsz;   // resolved here, so args.yaml records the size used
        NumClasses = data.NumClasses;
        Names = data.ClassNames;
        ulong seed = (ulong)o.Seed;
        var (model, spec) = ClassifyModels.Build(o, NumClasses, data.Channels, imgsz, backend, report);
        Model = model;
        if (o.Freeze > 0) report.Info($"freezing {model.FreezeFirst(o.Freeze).Count} layers");
        EmaModel = ModelFactory.Create(spec, seed).To(backend);
        _train = new DataLoader(data.Train, new ClassifyTrainTransform(imgsz, AugmentFor(o), null, data.Channels, seed), new DataLoaderOptions
        {
            BatchSize = o.Batch, Workers = o.Workers, Shuffle = true, Seed = seed, Warn = report.Warning,
            Mix = o.Mixup > 0 || o.Cutmix > 0 ? new MixupCutmix(o.Mixup, o.Cutmix, seed) : null,
        });
        _val = new DataLoader(data.Val, new ClassifyValTransform(imgsz, null, data.Channels),
            new DataLoaderOptions { BatchSize = o.Batch * 2, Workers = o.Workers, Warn = report.Warning });
        if (_train.BatchCount == 0) throw new DatasetException(o.Data ?? "synthetic", "the training split has fewer images than one batch");
        TrainImages = data.Train.Count;
        AutoAdamWLr = ModelArg.IsWeightsFile(o.Model) ? null : ScratchAdamWLr;
        _classWeights = ClassWeightsArg.Parse(o.ClsWeights, NumClasses, () => Vision.Data.ClassWeights.InverseFrequency(data.Train)) is { } w
            ? Tensor.FromArray(w, new[] { NumClasses }, backend).DetachFromScope()
            : null;
        _criterion = new ClassifyLoss((float)o.LabelSmoothing, (float)o.Focal, _classWeights);
        WeightsMetadata = Metadata(spec, Names, imgsz);
        report.Info(string.Create(CultureInfo.InvariantCulture, $"{spec.Name}: {model.ParameterCount():N0} parameters"));
    }

    public string Task => "classify";

    public IReadOnlyList<string> LossNames { get; } = ["loss"];

    public IReadOnlyList<string> MetricNames { get; } = ["metrics/accuracy_top1", "metrics/accuracy_top5"];

    public Module Model { get; }

    public Module EmaModel { get; }

    public int NumClasses { get; }

    public IReadOnlyList<string> Names { get; }

    public int TrainImages { get; }

    public int BatchesPerEpoch => _train.BatchCount;

    public double? AutoAdamWLr { get; }

    public IReadOnlyDictionary<string, string> WeightsMetadata { get; }

    public IEnumerable<TrainBatch<ClassificationBatch>> Epoch(int epoch, int epochs, CancellationToken cancellationToken) =>
        _train.Epoch(epoch, cancellationToken).Select(b => new TrainBatch<ClassificationBatch>(b, b.BatchIndex, b.Count));

    public TaskLoss Loss(ClassificationBatch b)
    {
        var logits = Model.Forward(Tensor.FromArray(b.Images, b.Shape, _backend));
        Tensor l;
        if (b.Mixed is { } mixed)
        {
            var ya = Tensor.FromArray(mixed.Select(m => m.A).ToArray(), new[] { b.Count }, _backend);
            var yb = Tensor.FromArray(mixed.Select(m => m.B).ToArray(), new[] { b.Count }, _backend);
            var lam = Tensor.FromArray(mixed.Select(m => m.Lambda).ToArray(), new[] { b.Count }, _backend);
            l = _criterion.ComputeMixed(logits, ya, yb, lam);
        }
        else
        {
            l = _criterion.Compute(logits, Tensor.FromArray(b.Labels, new[] { b.Count }, _backend));
        }
        // Gradients add up over the accumulated batches (as in Ultralytics; weight decay is scaled to match).
        return new TaskLoss(l, [l.Item()]);
    }

    public ValidationOutcome Validate(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var m = ClassifyEvaluator.Evaluate(EmaModel, _val, _criterion, NumClasses, _backend, cancellationToken);
        _lastMetrics = m;
        var metrics = new Dictionary<string, double> { [MetricNames[0]] = m.Top1, [MetricNames[1]] = m.Top5 };
        return new ValidationOutcome(metrics, [m.Loss], m.Fitness, clock.Elapsed);
    }

    public void SaveValidationArtifacts(string runDirectory)
    {
        if (_lastMetrics is { } m) ConfusionCsv.Write(runDirectory, ClassifyValidator.PredictedByTrue(m.Confusion), Names, background: false);
    }

    private static ClassifyAugmentOptions AugmentFor(ClassifyTrainOptions o)
    {
        var a = ClassifyAugmentOptions.FromUltralytics(o.Scale, o.Fliplr, o.Flipud, o.HsvH, o.HsvS, o.HsvV, o.Erasing, o.Degrees);
        // scale=0 keeps the whole image: no random-resized crop at all (not even its aspect-ratio jitter).
        if (o.Scale == 0) a = a with { RandomResizedCrop = false };
        a.Validate();
        return a;
    }

    public static Dictionary<string, string> Metadata(ModelSpec spec, IReadOnlyList<string> names, int imgsz)
    {
        var meta = spec.ToMetadata();
        meta["names"] = JsonSerializer.Serialize(names);
        meta["imgsz"] = imgsz.ToString(CultureInfo.InvariantCulture);
        meta["task"] = "classify";
        return meta;
    }

    public void Dispose()
    {
        Model.Dispose();
        EmaModel.Dispose();
        _classWeights?.Dispose();
    }
}
