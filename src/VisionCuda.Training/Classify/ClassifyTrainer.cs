using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VisionCuda.Autograd;
using VisionCuda.Memory;
using VisionCuda.Models;
using VisionCuda.NN;
using VisionCuda.Optim;
using VisionCuda.Training.Common;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Training.Runs;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Training.Classify;

/// <summary>The outcome of a training run.</summary>
public sealed record TrainResult(string RunDirectory, int EpochsRun, double BestFitness, int BestEpoch,
    double FinalTop1, double FinalTop5, string? StopReason);

/// <summary>Raised when the loss stops being finite; the message says which checkpoint is still good.</summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(string message) : base(message)
    {
    }
}

/// <summary>
/// Trains a classifier the way Ultralytics' classify trainer does: warmup then linear/cosine decay, three parameter
/// groups, gradient accumulation to the nominal batch, model EMA, validation each epoch, best/last checkpoints,
/// early stopping by patience. Every random draw is keyed by (seed, epoch, index), so a resumed run continues the
/// very same sequence as an uninterrupted one.
/// </summary>
public sealed class ClassifyTrainer
{
    private readonly TrainOptions _o;
    private readonly ITrainingReporter _report;
    private readonly string? _workingDirectory;

    public ClassifyTrainer(TrainOptions options, ITrainingReporter? reporter = null, string? workingDirectory = null)
    {
        _o = options;
        _report = reporter ?? SilentReporter.Instance;
        _workingDirectory = workingDirectory;
    }

    public TrainResult Train(CancellationToken cancellationToken = default)
    {
        var o = _o;
        string? resumeDir = TrainerSupport.ResolveResume(o.Resume, "classify", o.Project, _workingDirectory);
        if (resumeDir is not null) o = TrainerSupport.LoadResumeArgs<TrainOptions>(resumeDir, t => t.Resume = null);
        o.Validate();
        var backend = Devices.Get(o.Device);
        var data = ClassifyDataFactory.Open(o);
        int imgsz = ClassifyDataFactory.NativeImageSize(o, data);
        int nc = data.NumClasses;
        ulong seed = (ulong)o.Seed;

        string runDir = resumeDir ?? RunDirectory.Resolve("classify", o.Project, o.Name, o.ExistOk, _workingDirectory);
        string weightsDir = Path.Combine(runDir, "weights");
        Directory.CreateDirectory(weightsDir);
        if (resumeDir is null) File.WriteAllText(Path.Combine(runDir, "args.yaml"), ArgsYaml.ToYaml(o));

        var (model, spec) = ClassifyModels.Build(o, nc, data.Channels, imgsz, backend, _report);
        using var modelOwner = model;
        if (o.Freeze > 0)
        {
            var frozen = model.FreezeFirst(o.Freeze);
            _report.Info($"freezing {frozen.Count} layers: {string.Join(", ", frozen)}");
        }
        using var emaModel = ModelFactory.Create(spec, seed).To(backend);
        emaModel.LoadStateDict(model.StateDict());
        emaModel.Eval();

        var train = new DataLoader(data.Train, new ClassifyTrainTransform(imgsz, AugmentFor(o), null, data.Channels, seed),
            new DataLoaderOptions
            {
                BatchSize = o.Batch, Workers = o.Workers, Shuffle = true, Seed = seed, Warn = _report.Warning,
                Mix = o.Mixup > 0 || o.Cutmix > 0 ? new MixupCutmix(o.Mixup, o.Cutmix, seed) : null,
            });
        var val = new DataLoader(data.Val, new ClassifyValTransform(imgsz, null, data.Channels),
            new DataLoaderOptions { BatchSize = o.Batch * 2, Workers = o.Workers, Warn = _report.Warning });
        int nb = train.BatchCount;
        if (nb == 0) throw new DatasetException(o.Data ?? "synthetic", "the training split has fewer images than one batch");

        int accumulate = Accumulation.Steps(o.Nbs, o.Batch);
        double weightDecay = Accumulation.ScaledWeightDecay(o.WeightDecay, o.Batch, accumulate, o.Nbs);
        var (optimizer, optName, lr, momentum) = OptimizerFactory.Build(model, o, nc, (long)o.Epochs * nb / accumulate, weightDecay,
            fromScratch: !o.Model.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase));
        using var optOwner = optimizer;
        _report.Info(string.Create(CultureInfo.InvariantCulture,
            $"{spec.Name}: {model.ParameterCount():N0} parameters; {optName}(lr={lr}, momentum={momentum}) with parameter groups {string.Join(", ", optimizer.ParamGroups.Select(g => $"{g.Parameters.Count} {g.Name}"))}"));
        var lf = o.CosLr ? LrLambdas.Cosine(o.Epochs, o.Lrf) : LrLambdas.Linear(o.Epochs, o.Lrf);
        var schedule = new WarmupSchedule(optimizer, lf, nb, o.WarmupEpochs, o.WarmupMomentum, o.WarmupBiasLr, momentum, o.Nbs, o.Batch);
        var ema = new ModelEma(model, emaModel);

        using var classWeights = ClassifyModels.ClassWeights(o, data.Train, nc, backend);
        var criterion = new ClassifyLoss((float)o.LabelSmoothing, (float)o.Focal, classWeights);

        var csv = new ResultsCsv(Path.Combine(runDir, "results.csv"), ResultsCsv.ClassifyColumns);
        var state = new Checkpoint.TrainState(-1, double.NegativeInfinity, -1, 0);
        if (resumeDir is not null)
        {
            state = Checkpoint.LoadState(weightsDir, model, optimizer);
            emaModel.Load(Path.Combine(weightsDir, Checkpoint.LastWeights));
            ema.Updates = state.EmaUpdates;
            _report.Info($"resuming {runDir} from epoch {state.Epoch + 2}/{o.Epochs}");
            csv.Start(keepEpochsBelow: state.Epoch + 1);
        }
        else
        {
            csv.Start();
        }

        var metadata = WeightsMetadata(spec, data.ClassNames, imgsz);
        var clock = Stopwatch.StartNew();
        double lastTop1 = 0, lastTop5 = 0;
        string? stopReason = null;
        int epoch = state.Epoch + 1;
        for (; epoch < o.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var epochClock = Stopwatch.StartNew();
            model.Train();
            schedule.BeginEpoch(epoch);
            _report.BeginEpoch(epoch, o.Epochs, nb);
            double lossSum = 0;
            int lossCount = 0, sinceStep = 0, seen = 0;
            foreach (var batch in train.Epoch(epoch, cancellationToken))
            {
                using var b = batch;
                long ni = schedule.BeginIteration(b.BatchIndex);
                TrainerSupport.SetDropoutSteps(model, ni);
                double loss;
                using (var scope = DisposeScope.Enter())
                {
                    var x = Tensor.FromArray(b.Images, b.Shape, backend);
                    var logits = model.Forward(x);
                    Tensor l;
                    if (b.Mixed is { } mixed)
                    {
                        var ya = Tensor.FromArray(mixed.Select(m => m.A).ToArray(), new[] { b.Count }, backend);
                        var yb = Tensor.FromArray(mixed.Select(m => m.B).ToArray(), new[] { b.Count }, backend);
                        var lam = Tensor.FromArray(mixed.Select(m => m.Lambda).ToArray(), new[] { b.Count }, backend);
                        l = criterion.ComputeMixed(logits, ya, yb, lam);
                    }
                    else
                    {
                        l = criterion.Compute(logits, Tensor.FromArray(b.Labels, new[] { b.Count }, backend));
                    }
                    loss = l.Item();
                    if (!double.IsFinite(loss))
                        throw new TrainingDivergedException(TrainerSupport.Diverged(epoch, b.BatchIndex, loss, weightsDir, state.Epoch));
                    // Gradients add up over the accumulated batches (as in Ultralytics; weight decay is scaled to match).
                    l.Backward();
                }
                sinceStep++;
                bool lastBatch = b.BatchIndex == nb - 1;
                if (sinceStep >= schedule.Accumulate || lastBatch)
                {
                    using (GradMode.NoGrad())
                    {
                        // As Ultralytics' optimizer_step: clip the global gradient norm at 10 before stepping.
                        GradClip.ClipGradNorm(model.Parameters().Where(p => p.RequiresGrad), TrainerSupport.MaxGradNorm);
                        optimizer.Step();
                        ema.Update(model);
                    }
                    optimizer.ZeroGrad();
                    sinceStep = 0;
                }
                lossSum += loss;
                lossCount++;
                seen += b.Count;
                _report.Batch(new BatchProgress(epoch, o.Epochs, b.BatchIndex, nb, lossSum / lossCount,
                    optimizer.ParamGroups[0].Lr, seen / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds)));
            }
            double trainLoss = lossSum / Math.Max(1, lossCount);
            var lrs = optimizer.ParamGroups.Select(g => g.Lr).ToArray();

            bool finalEpoch = epoch == o.Epochs - 1;
            bool timeUp = o.Time > 0 && clock.Elapsed.TotalHours >= o.Time;
            ClassifyMetrics? metrics = null;
            if (o.Val || finalEpoch || timeUp) metrics = ClassifyEvaluator.Evaluate(emaModel, val, criterion, nc, backend);
            double fitness = metrics?.Fitness ?? -trainLoss;
            bool isBest = fitness > state.BestFitness;
            state = new Checkpoint.TrainState(epoch, isBest ? fitness : state.BestFitness, isBest ? epoch : state.BestEpoch, ema.Updates);

            // Order matters for crash safety: resume state first, then last weights (both atomic renames).
            Checkpoint.SaveState(weightsDir, model, optimizer, state);
            Checkpoint.SaveAtomic(Path.Combine(weightsDir, Checkpoint.LastWeights), emaModel.StateDict(), metadata);
            if (isBest) File.Copy(Path.Combine(weightsDir, Checkpoint.LastWeights), Path.Combine(weightsDir, Checkpoint.BestWeights), overwrite: true);
            if (o.SavePeriod > 0 && (epoch + 1) % o.SavePeriod == 0)
                File.Copy(Path.Combine(weightsDir, Checkpoint.LastWeights), Path.Combine(weightsDir, $"epoch{epoch + 1}.safetensors"), overwrite: true);

            var row = new Dictionary<string, double>
            {
                ["epoch"] = epoch + 1,
                ["train/loss"] = trainLoss,
                ["lr/pg0"] = lrs[0],
                ["lr/pg1"] = lrs.Length > 1 ? lrs[1] : lrs[0],
                ["lr/pg2"] = lrs.Length > 2 ? lrs[2] : lrs[0],
            };
            if (metrics is not null)
            {
                row["metrics/accuracy_top1"] = metrics.Top1;
                row["metrics/accuracy_top5"] = metrics.Top5;
                row["val/loss"] = metrics.Loss;
                lastTop1 = metrics.Top1;
                lastTop5 = metrics.Top5;
            }
            csv.Append(row);
            _report.EndEpoch(new EpochSummary(epoch, o.Epochs, trainLoss, metrics?.Top1, metrics?.Top5, metrics?.Loss, lrs, isBest, epochClock.Elapsed));

            if (epoch - state.BestEpoch >= o.Patience)
            {
                stopReason = $"early stopping: no improvement in the last {o.Patience} epochs (best was epoch {state.BestEpoch + 1})";
                break;
            }
            if (timeUp)
            {
                stopReason = $"time limit of {o.Time} hours reached";
                break;
            }
        }
        if (stopReason is not null) _report.Info(stopReason);
        // A finished run needs no resume state; keeping it would let --resume restart a completed run.
        File.Delete(Path.Combine(weightsDir, Checkpoint.LastState));
        return new TrainResult(runDir, Math.Min(epoch + 1, o.Epochs), state.BestFitness, state.BestEpoch, lastTop1, lastTop5, stopReason);
    }

    private static ClassifyAugmentOptions AugmentFor(TrainOptions o)
    {
        var a = ClassifyAugmentOptions.FromUltralytics(o.Scale, o.Fliplr, o.Flipud, o.HsvH, o.HsvS, o.HsvV, o.Erasing, o.Degrees);
        // scale=0 keeps the whole image: no random-resized crop at all (not even its aspect-ratio jitter).
        if (o.Scale == 0) a = a with { RandomResizedCrop = false };
        a.Validate();
        return a;
    }

    public static Dictionary<string, string> WeightsMetadata(ModelSpec spec, IReadOnlyList<string> names, int imgsz)
    {
        var meta = spec.ToMetadata();
        meta["names"] = JsonSerializer.Serialize(names);
        meta["imgsz"] = imgsz.ToString(CultureInfo.InvariantCulture);
        meta["task"] = "classify";
        return meta;
    }
}
