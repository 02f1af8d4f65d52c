using System.Diagnostics;
using System.Globalization;
using VisionCuda.Autograd;
using VisionCuda.Memory;
using VisionCuda.Optim;
using VisionCuda.Training.Classify;
using VisionCuda.Training.Common;
using VisionCuda.Training.Detect.Loss;
using VisionCuda.Training.Detect.Val;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Training.Runs;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Detect.Train;

/// <summary>The outcome of a detection training run.</summary>
public sealed record DetectTrainResult(string RunDirectory, int EpochsRun, double BestFitness, int BestEpoch, DetectValResult? FinalVal,
    string? StopReason, double TrainImagesPerSecond, TimeSpan Elapsed);

/// <summary>
/// Trains a YOLO detector the way Ultralytics' DetectionTrainer does, with the same loop structure as
/// <see cref="ClassifyTrainer"/>: warmup (bias lr from warmup_bias_lr, momentum from warmup_momentum, accumulation
/// ramping to nbs/batch) then linear or cosine decay; the three Ultralytics parameter groups built from trainable
/// parameters only (the DFL bins are fixed); the loss summed over the batch (box 7.5, cls 0.5, dfl 1.5, x batch size)
/// with gradients accumulated to the nominal batch of 64 and clipped to norm 10; model EMA; mosaic switched off for
/// the last close_mosaic epochs; validation of the EMA model each epoch by <see cref="DetectValidator"/> (the code of
/// <c>val detect</c>); best.safetensors by fitness = 0.1 mAP50 + 0.9 mAP50-95; atomic last/best checkpoints and an
/// exact resume state; early stopping by patience; with <c>time</c>, the epoch count is refitted to the time budget
/// after every epoch (as Ultralytics) and training stops when the time is up.
/// </summary>
public sealed class DetectTrainer
{
    public static readonly string[] ResultsColumns =
    {
        "epoch", "train/box_loss", "train/cls_loss", "train/dfl_loss", "metrics/precision(B)", "metrics/recall(B)", "metrics/mAP50(B)",
        "metrics/mAP50-95(B)", "val/box_loss", "val/cls_loss", "val/dfl_loss", "lr/pg0", "lr/pg1", "lr/pg2",
    };

    /// <summary>
    /// optimizer=auto picks AdamW for short runs; from scratch (a model YAML) its lr is this instead of Ultralytics'
    /// round(0.002 * 5 / (4 + nc), 6), which was fitted for pretrained weights (0.001 for 6 classes, 0.00012 for 80).
    /// Fine-tuning from weights keeps Ultralytics' rate. On the embedded set at imgsz 320, 9 minutes on the shared
    /// 2-core CPU (noisy, shared): this lr with nbs 16 reached mAP50 0.88 / mAP50-95 0.66 (12 epochs), Ultralytics' values
    /// (0.001, nbs 64) mAP50 0.23 / mAP50-95 0.13 (7 epochs; by epoch 5: 0.33 against 0.10).
    /// </summary>
    public const double ScratchAdamWLr = 0.002;

    private readonly DetectTrainOptions _o;
    private readonly ITrainingReporter _report;
    private readonly string? _workingDirectory;

    public DetectTrainer(DetectTrainOptions options, ITrainingReporter? reporter = null, string? workingDirectory = null)
    {
        _o = options;
        _report = reporter ?? SilentReporter.Instance;
        _workingDirectory = workingDirectory;
    }

    public DetectTrainResult Train(CancellationToken cancellationToken = default)
    {
        var o = _o;
        string? resumeDir = TrainerSupport.ResolveResume(o.Resume, "detect", o.Project, _workingDirectory);
        if (resumeDir is not null) o = TrainerSupport.LoadResumeArgs<DetectTrainOptions>(resumeDir, t => t.Resume = null);
        o.Resolve();
        o.Validate();
        int imgsz = o.Imgsz!.Value;
        int epochs = o.Epochs!.Value;
        var backend = Devices.Get(o.Device);
        Action<string> warn = m => _report.Warning(DetectValidator.StripWarning(m));
        ulong seed = (ulong)o.Seed;

        var data = DetectionData.Load(o.Data, new YoloDatasetOptions { SingleCls = o.SingleCls, Warn = warn });
        IDetectionDataset trainSet = data.Train, valSet = data.Val;
        IReadOnlyList<string> names = data.Names;
        if (o.SingleCls && o.IsEmbeddedData)
        {
            trainSet = new SingleClassView(trainSet);
            valSet = new SingleClassView(valSet);
            names = trainSet.Names;
        }
        if (o.Fraction < 1) trainSet = new PrefixView(trainSet, (int)Math.Round(trainSet.Count * o.Fraction));
        int nc = names.Count;
        _report.Info($"data: {data.Description}; {trainSet.Count} training images, {valSet.Count} validation images, {nc} classes");

        string runDir = resumeDir ?? RunDirectory.Resolve("detect", o.Project, o.Name, o.ExistOk, _workingDirectory);
        string weightsDir = Path.Combine(runDir, "weights");
        Directory.CreateDirectory(weightsDir);
        if (resumeDir is null) File.WriteAllText(Path.Combine(runDir, "args.yaml"), ArgsYaml.ToYaml(o));

        using var model = DetectModels.Build(o.Model, nc, backend, _report, (ulong)o.Seed);
        if (o.Freeze > 0)
        {
            var frozen = model.FreezeFirst(o.Freeze);
            _report.Info($"freezing {frozen.Count} parameters of the first {o.Freeze} layers");
        }
        _report.Info(model.Summary(imgsz));
        using var emaModel = DetectModels.Twin(model, backend);
        var ema = new ModelEma(model, emaModel);

        if (o.Rect) _report.Warning("rect training: batches stay square (the training loader letterboxes to imgsz), mosaic is off as in Ultralytics");
        var augment = new DetectAugmentOptions
        {
            Imgsz = imgsz,
            HsvH = (float)o.HsvH, HsvS = (float)o.HsvS, HsvV = (float)o.HsvV,
            Degrees = (float)o.Degrees, Translate = (float)o.Translate, Scale = (float)o.Scale, Shear = (float)o.Shear,
            Perspective = (float)o.Perspective, Flipud = (float)o.Flipud, Fliplr = (float)o.Fliplr,
            Mosaic = o.Rect ? 0f : (float)o.Mosaic, Mixup = (float)o.Mixup,
            CloseMosaic = 0,   // closed here, by switching loaders, so a refitted epoch count (time) moves it
        };
        DetectionLoader MakeTrainLoader(bool mosaic) => new(trainSet, new DetectionLoaderOptions
        {
            BatchSize = o.Batch,
            Workers = o.Workers,
            Shuffle = true,
            Seed = seed,
            Augment = true,
            Augmentation = mosaic ? augment : augment with { Mosaic = 0, Mixup = 0 },
            Epochs = epochs,
            Stride = model.MaxStride,
            CacheImages = o.CacheImages,
            Warn = warn,
            DeviceAugment = AugmentBatchPlan.PreferredFor(backend),
        });
        bool mosaicOn = augment.Mosaic > 0 || augment.Mixup > 0;
        DetectionLoader? trainLoader = null;
        int nb = (trainSet.Count + o.Batch - 1) / o.Batch;

        var validator = new DetectValidator(valSet, names, imgsz, o.Batch * 2, o.Workers, DetectValidator.ValNms(o.Conf, o.Iou, o.MaxDet, o.SingleCls),
            model.MaxStride, warn);

        int accumulate = Accumulation.Steps(o.Nbs, o.Batch);
        double weightDecay = Accumulation.ScaledWeightDecay(o.WeightDecay, o.Batch, accumulate, o.Nbs);
        // Ultralytics: iterations = ceil(len(dataset) / max(batch, nbs)) * epochs decides optimizer=auto.
        long iterations = (long)Math.Ceiling(trainSet.Count / (double)Math.Max(o.Batch, o.Nbs)) * epochs;
        var (optimizer, optName, lr, momentum) = OptimizerSetup.Build(model, o.Optimizer, o.Lr0, o.Momentum, nc, iterations, weightDecay,
            autoAdamWLr: o.Model.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? null : ScratchAdamWLr, trainableOnly: true);
        using var optOwner = optimizer;
        var trainable = model.Parameters().Where(p => p.RequiresGrad).ToList();
        _report.Info(string.Create(CultureInfo.InvariantCulture,
            $"{optName}(lr={lr}, momentum={momentum}) with parameter groups {string.Join(", ", optimizer.ParamGroups.Select(g => $"{g.Parameters.Count} {g.Name}"))}"));
        WarmupSchedule MakeSchedule(int totalEpochs)
        {
            var lf = o.CosLr ? LrLambdas.Cosine(totalEpochs, o.Lrf) : LrLambdas.Linear(totalEpochs, o.Lrf);
            return new WarmupSchedule(optimizer, lf, nb, o.WarmupEpochs, o.WarmupMomentum, o.WarmupBiasLr, momentum, o.Nbs, o.Batch);
        }
        var schedule = MakeSchedule(epochs);

        var criterion = new DetectionLoss(model, new DetectionLossOptions
        {
            Box = (float)o.Box, Cls = (float)o.Cls, Dfl = (float)o.Dfl, ClassWeights = ClassWeightsFor(o, trainSet, nc),
        });

        var csv = new ResultsCsv(Path.Combine(runDir, "results.csv"), ResultsColumns);
        var state = new Checkpoint.TrainState(-1, double.NegativeInfinity, -1, 0);
        if (resumeDir is not null)
        {
            state = Checkpoint.LoadState(weightsDir, model, optimizer);
            emaModel.Load(Path.Combine(weightsDir, Checkpoint.LastWeights));
            ema.Updates = state.EmaUpdates;
            _report.Info($"resuming {runDir} from epoch {state.Epoch + 2}/{epochs}");
            csv.Start(keepEpochsBelow: state.Epoch + 1);
        }
        else
        {
            csv.Start();
        }

        var metadata = DetectModels.WeightsMetadata(model, names, imgsz);
        var clock = Stopwatch.StartNew();
        double trainSeconds = 0;
        long trainImages = 0;
        DetectValResult? lastVal = null;
        string? stopReason = null;
        int startEpoch = state.Epoch + 1;
        int epoch = startEpoch;
        for (; epoch < epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Ultralytics closes mosaic at epoch (epochs - close_mosaic); a run shorter than close_mosaic keeps it. ">=" rather
            // than "==" so that a refitted epoch count (time) cannot jump over the closing epoch.
            int closeAt = epochs - o.CloseMosaic;
            bool mosaicThisEpoch = mosaicOn && !(o.CloseMosaic > 0 && closeAt >= 0 && epoch >= closeAt);
            if (trainLoader is null || (trainLoader.Options.Augmentation.Mosaic > 0 || trainLoader.Options.Augmentation.Mixup > 0) != mosaicThisEpoch)
            {
                if (trainLoader is not null && !mosaicThisEpoch) _report.Info("closing dataloader mosaic");
                trainLoader = MakeTrainLoader(mosaicThisEpoch);
            }
            var epochClock = Stopwatch.StartNew();
            model.Train();
            schedule.BeginEpoch(epoch);
            _report.BeginEpoch(epoch, epochs, nb);
            double boxSum = 0, clsSum = 0, dflSum = 0;
            int lossCount = 0, sinceStep = 0, seen = 0;
            bool timeUp = false;
            var phases = new PhaseTimer();
            foreach (var batch in trainLoader.Epoch(epoch, cancellationToken))
            {
                using var b = batch;
                phases.Lap(PhaseTimer.Data);
                schedule.BeginIteration(b.BatchIndex);
                DetectionLossResult r;
                using (var scope = DisposeScope.Enter())
                {
                    var x = b.ToTensor(backend);
                    var levels = model.ForwardLevels(x);
                    phases.Lap(PhaseTimer.Forward);
                    r = criterion.Compute(levels, DetectionTargets.FromRows(b.Targets), b.Height, b.Width);
                    phases.Lap(PhaseTimer.Loss);
                    double total = r.Box + r.Cls + r.Dfl;
                    if (!double.IsFinite(total))
                        throw new TrainingDivergedException(TrainerSupport.Diverged(epoch, b.BatchIndex, total, weightsDir, state.Epoch));
                    r.Total.Backward();
                }
                phases.Lap(PhaseTimer.Backward);
                sinceStep++;
                bool lastBatch = b.BatchIndex == nb - 1;
                if (sinceStep >= schedule.Accumulate || lastBatch)
                {
                    using (GradMode.NoGrad())
                    {
                        GradClip.ClipGradNorm(trainable, TrainerSupport.MaxGradNorm);
                        optimizer.Step();
                        ema.Update(model);
                    }
                    optimizer.ZeroGrad();
                    sinceStep = 0;
                }
                phases.Lap(PhaseTimer.Step);
                boxSum += r.Box;
                clsSum += r.Cls;
                dflSum += r.Dfl;
                lossCount++;
                seen += b.Count;
                _report.Batch(new BatchProgress(epoch, epochs, b.BatchIndex, nb, (boxSum + clsSum + dflSum) / lossCount,
                    optimizer.ParamGroups[0].Lr, seen / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds)));
                if (o.Time > 0 && clock.Elapsed.TotalHours >= o.Time)
                {
                    timeUp = true;
                    break;
                }
            }
            if (sinceStep > 0)
            {
                // A time stop in the middle of an accumulation: apply what was accumulated.
                using (GradMode.NoGrad())
                {
                    GradClip.ClipGradNorm(trainable, TrainerSupport.MaxGradNorm);
                    optimizer.Step();
                    ema.Update(model);
                }
                optimizer.ZeroGrad();
            }
            trainSeconds += epochClock.Elapsed.TotalSeconds;
            trainImages += seen;
            int n = Math.Max(1, lossCount);
            var trainLoss = new LossItems(boxSum / n, clsSum / n, dflSum / n);
            var lrs = optimizer.ParamGroups.Select(g => g.Lr).ToArray();

            timeUp |= o.Time > 0 && clock.Elapsed.TotalHours >= o.Time;
            bool finalEpoch = epoch == epochs - 1 || timeUp;
            DetectValResult? val = null;
            if (o.Val || finalEpoch)
            {
                val = validator.Evaluate(emaModel, backend, criterion, cancellationToken);
                lastVal = val;
            }
            double fitness = val?.Fitness ?? -trainLoss.Sum;
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
                ["train/box_loss"] = trainLoss.Box,
                ["train/cls_loss"] = trainLoss.Cls,
                ["train/dfl_loss"] = trainLoss.Dfl,
                ["lr/pg0"] = lrs[0],
                ["lr/pg1"] = lrs.Length > 1 ? lrs[1] : lrs[0],
                ["lr/pg2"] = lrs.Length > 2 ? lrs[2] : lrs[0],
            };
            if (val is not null)
            {
                row["metrics/precision(B)"] = val.Precision;
                row["metrics/recall(B)"] = val.Recall;
                row["metrics/mAP50(B)"] = val.MAP50;
                row["metrics/mAP50-95(B)"] = val.MAP5095;
                if (val.Loss is { } vl)
                {
                    row["val/box_loss"] = vl.Box;
                    row["val/cls_loss"] = vl.Cls;
                    row["val/dfl_loss"] = vl.Dfl;
                }
            }
            csv.Append(row);
            _report.EndEpoch(new EpochSummary(epoch, epochs, trainLoss.Sum, null, null, val?.Loss?.Sum, lrs, isBest, epochClock.Elapsed));
            double ips = seen / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds - (val?.Elapsed.TotalSeconds ?? 0));
            string line = string.Create(CultureInfo.InvariantCulture, $"  box {trainLoss.Box:F4}  cls {trainLoss.Cls:F4}  dfl {trainLoss.Dfl:F4}  {ips:F1} img/s");
            if (val is not null)
                line += string.Create(CultureInfo.InvariantCulture,
                    $"  |  P {val.Precision:F4}  R {val.Recall:F4}  mAP50 {val.MAP50:F4}  mAP50-95 {val.MAP5095:F4}  (val {val.Elapsed.TotalSeconds:F1}s)");
            _report.Info(line);
            if (o.Verbose) _report.Info("  time per phase: " + phases);

            if (epoch - state.BestEpoch >= o.Patience)
            {
                stopReason = $"early stopping: no improvement in the last {o.Patience} epochs (best was epoch {state.BestEpoch + 1})";
                break;
            }
            if (timeUp)
            {
                stopReason = string.Create(CultureInfo.InvariantCulture, $"time limit of {o.Time:G4} hours reached");
                break;
            }
            if (o.Time > 0)
            {
                // Ultralytics: epochs = ceil(time / mean epoch time), and the lr schedule is rebuilt for it.
                // The epoch just finished is already counted, so a refit to it or below ends the run here (Ultralytics' stop |= epoch >= epochs).
                double meanEpoch = clock.Elapsed.TotalSeconds / (epoch - startEpoch + 1);
                int refit = Math.Max(epoch + 1, (int)Math.Ceiling(o.Time * 3600 / Math.Max(1e-6, meanEpoch)));
                if (refit != epochs)
                {
                    epochs = refit;
                    schedule = MakeSchedule(epochs);
                }
                if (epoch + 1 >= epochs)
                {
                    stopReason = string.Create(CultureInfo.InvariantCulture, $"time budget of {o.Time:G4} hours: no room for another epoch");
                    break;
                }
            }
        }
        if (stopReason is not null) _report.Info(stopReason);
        // A finished run needs no resume state; keeping it would let --resume restart a completed run.
        File.Delete(Path.Combine(weightsDir, Checkpoint.LastState));
        return new DetectTrainResult(runDir, Math.Min(epoch + 1, epochs), state.BestFitness, state.BestEpoch, lastVal, stopReason,
            trainImages / Math.Max(1e-9, trainSeconds), clock.Elapsed);
    }

    /// <summary>cls_weights: 'auto' = inverse class frequency of the training labels, or a comma-separated list of nc weights.</summary>
    public static float[]? ClassWeightsFor(DetectTrainOptions o, IDetectionDataset train, int nc)
    {
        if (string.IsNullOrWhiteSpace(o.ClsWeights)) return null;
        if (o.ClsWeights.Equals("auto", StringComparison.OrdinalIgnoreCase)) return train.InverseFrequencyWeights();
        var parts = o.ClsWeights.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != nc)
            throw new ArgumentException($"invalid value for 'cls_weights': {parts.Length} weights given for {nc} classes");
        return parts.Select(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && float.IsFinite(v)
            ? v : throw new ArgumentException($"invalid value for 'cls_weights': '{p}' is not a non-negative number")).ToArray();
    }
}

/// <summary>Wall time per phase of the training loop (for --verbose): waiting for data, forward, loss, backward, optimizer step + EMA.</summary>
internal sealed class PhaseTimer
{
    public const int Data = 0, Forward = 1, Loss = 2, Backward = 3, Step = 4;
    private static readonly string[] Names = { "data", "forward", "loss", "backward", "step+ema" };
    private readonly double[] _seconds = new double[Names.Length];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Lap(int phase)
    {
        _seconds[phase] += _clock.Elapsed.TotalSeconds;
        _clock.Restart();
    }

    public override string ToString() => string.Join(", ", Names.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n} {_seconds[i]:F1}s")));
}
