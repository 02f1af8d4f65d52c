using System.Diagnostics;
using System.Globalization;
using VisionCuda.Memory;
using VisionCuda.Optim;
using VisionCuda.Training.Common;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Training.Runs;

namespace VisionCuda.Training.Engine;

/// <summary>
/// One run of the engine over a task: the optimizer with Ultralytics' three parameter groups, the schedule, the EMA,
/// accumulation and clipping (<see cref="OptimizerStepper"/>), then per epoch: train, validate the EMA model,
/// results.csv, checkpoint (last/best weights, then the resume state as the commit point, each an atomic rename), the reporter, and the
/// stop rules (patience, time budget with its refit). A resumed run restores the state of its last finished epoch,
/// the refitted epoch count and the time already spent included, so it continues the same run.
/// </summary>
internal sealed class TrainingRun<TBatch> : IDisposable where TBatch : IDisposable
{
    private readonly TrainOptionsBase _o;
    private readonly ITrainingTask<TBatch> _task;
    private readonly ITrainingReporter _report;
    private readonly string _runDir, _weightsDir;
    private readonly Optimizer _optimizer;
    private readonly ModelEma _ema;
    private readonly OptimizerStepper _stepper;
    private readonly LrSchedule _schedule;
    private readonly ResultsCsv _csv;
    private TrainState _state;
    private TimeBudget _budget = new(0, 0);
    private int _epochs;

    public TrainingRun(TrainOptionsBase o, ITrainingTask<TBatch> task, string runDir, bool resumed, ITrainingReporter report)
    {
        _o = o;
        _task = task;
        _report = report;
        _runDir = runDir;
        _weightsDir = Path.Combine(runDir, "weights");
        int epochs = o.Epochs!.Value;
        int accumulate = Accumulation.Steps(o.Nbs, o.Batch);
        double weightDecay = Accumulation.ScaledWeightDecay(o.WeightDecay, o.Batch, accumulate, o.Nbs);
        // Ultralytics: iterations = ceil(len(dataset) / max(batch, nbs)) * epochs decides optimizer=auto.
        long iterations = (long)Math.Ceiling(task.TrainImages / (double)Math.Max(o.Batch, o.Nbs)) * epochs;
        var (optimizer, name, lr, momentum) = OptimizerSetup.Build(task.Model, o.Optimizer, o.Lr0, o.Momentum, task.NumClasses, iterations, weightDecay,
            autoAdamWLr: task.AutoAdamWLr, trainableOnly: true);
        _optimizer = optimizer;
        report.Info(string.Create(CultureInfo.InvariantCulture,
            $"{name}(lr={lr}, momentum={momentum}) with parameter groups {string.Join(", ", optimizer.ParamGroups.Select(g => $"{g.Parameters.Count} {g.Name}"))}"));
        _ema = new ModelEma(task.Model, task.EmaModel);
        _stepper = new OptimizerStepper(optimizer, _ema, task.Model, o.MaxNorm);
        _csv = new ResultsCsv(Path.Combine(runDir, "results.csv"), Columns(task));
        _state = resumed ? Resume() : TrainState.Start(epochs);
        if (!resumed) _csv.Start();
        _epochs = _state.Epochs;
        _schedule = new LrSchedule(optimizer, o, task.BatchesPerEpoch, momentum, _epochs);
        _schedule.Restore(_state.Schedule);
    }

    /// <summary>results.csv: epoch, train losses, the task's metrics, val losses, the three groups' lr.</summary>
    public static string[] Columns(ITrainingTask<TBatch> task) =>
        new[] { "epoch" }.Concat(task.LossNames.Select(n => "train/" + n)).Concat(task.MetricNames)
            .Concat(task.LossNames.Select(n => "val/" + n)).Concat(new[] { "lr/pg0", "lr/pg1", "lr/pg2" }).ToArray();

    private TrainState Resume()
    {
        var state = Checkpoint.LoadState(_weightsDir, _task.Model, _task.EmaModel, _optimizer);
        _ema.Updates = state.EmaUpdates;
        _report.Info($"resuming {_runDir} from epoch {state.Epoch + 2}/{state.Epochs}" +
            (_o.Time > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({state.ElapsedSeconds / 60:F1} of {_o.Time * 60:F1} minutes already spent)") : ""));
        _csv.Start(keepEpochsBelow: state.Epoch + 1);
        return state;
    }

    public TrainResult Execute(CancellationToken cancellationToken)
    {
        _budget = new TimeBudget(_o.Time, _state.ElapsedSeconds);
        int startEpoch = _state.Epoch + 1, epoch = startEpoch;
        double trainSeconds = 0;
        long trainImages = 0;
        ValidationOutcome? lastVal = null;
        string? stopReason = null;
        bool interrupted = false;
        for (; epoch < _epochs; epoch++)
        {
            var train = RunEpoch(epoch, cancellationToken);
            trainSeconds += train.Seconds;
            trainImages += train.Images;
            if (train.Interrupted)
            {
                interrupted = true;
                stopReason = Interrupted(epoch);
                break;
            }
            bool timeUp = train.TimeUp || _budget.IsUp;
            ValidationOutcome? val;
            try
            {
                val = _o.Val || epoch == _epochs - 1 || timeUp ? _task.Validate(cancellationToken) : null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                stopReason = Interrupted(epoch);
                break;
            }
            lastVal = val ?? lastVal;
            bool isBest = Record(epoch, train, val);
            stopReason = StopAfter(epoch, timeUp);
            var row = Row(epoch, train, val);
            Save(epoch, row, isBest);
            ReportEpoch(epoch, train, row, val, isBest);
            if (stopReason is not null) break;
        }
        if (stopReason is not null) _report.Info(stopReason);
        if (lastVal is not null) _task.SaveValidationArtifacts(_runDir);
        // A finished run needs no resume state; keeping it would let --resume restart a completed run.
        if (!interrupted) File.Delete(Path.Combine(_weightsDir, Checkpoint.LastState));
        return new TrainResult(_runDir, Math.Min(epoch + 1, _epochs), _state.BestFitness, _state.BestEpoch, lastVal?.Metrics, stopReason,
            trainImages / Math.Max(1e-9, trainSeconds), _budget.SessionElapsed, interrupted);
    }

    private sealed record EpochTrain(double[] Loss, long Images, double Seconds, bool TimeUp, bool Interrupted, string Phases);

    private EpochTrain RunEpoch(int epoch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var model = _task.Model;
        model.Train();
        var warmup = _schedule.Warmup;
        warmup.BeginEpoch(epoch);
        int nb = _task.BatchesPerEpoch;
        _report.BeginEpoch(epoch, _epochs, nb);
        var sums = new double[_task.LossNames.Count];
        int count = 0;
        long seen = 0;
        bool timeUp = false, interrupted = false;
        var phases = new PhaseTimer();
        try
        {
            foreach (var batch in _task.Epoch(epoch, _epochs, cancellationToken))
            {
                using var b = batch;
                phases.Lap(PhaseTimer.Data);
                long ni = warmup.BeginIteration(b.Index);
                RunSupport.SetDropoutSteps(model, ni);
                double[] items = ForwardBackward(epoch, b, phases);
                _stepper.Accumulated(warmup.Accumulate, lastBatch: b.Index == nb - 1);
                phases.Lap(PhaseTimer.Step);
                for (int k = 0; k < sums.Length; k++) sums[k] += items[k];
                count++;
                seen += b.Count;
                _report.Batch(new BatchProgress(epoch, _epochs, b.Index, nb, sums.Sum() / count, _optimizer.ParamGroups[0].Lr,
                    seen / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
                if (_budget.IsUp) { timeUp = true; break; }
                if (cancellationToken.IsCancellationRequested) { interrupted = true; break; }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }
        if (!interrupted) _stepper.Flush();
        var mean = sums.Select(s => s / Math.Max(1, count)).ToArray();
        return new EpochTrain(mean, seen, clock.Elapsed.TotalSeconds, timeUp, interrupted, phases.ToString());
    }

    private double[] ForwardBackward(int epoch, TrainBatch<TBatch> b, PhaseTimer phases)
    {
        using var scope = DisposeScope.Enter();
        var loss = _task.Loss(b.Data);
        phases.Lap(PhaseTimer.ForwardLoss);
        double total = loss.Items.Sum();
        if (!double.IsFinite(total))
            throw new TrainingDivergedException(RunSupport.Diverged(epoch, b.Index, total, _weightsDir, _state.Epoch));
        loss.Total.Backward();
        phases.Lap(PhaseTimer.Backward);
        return loss.Items;
    }

    /// <summary>The epoch's fitness (validation, else minus the training loss) against the best so far, fed to the schedule too.</summary>
    private bool Record(int epoch, EpochTrain train, ValidationOutcome? val)
    {
        double fitness = val?.Fitness ?? -train.Loss.Sum();
        bool isBest = fitness > _state.BestFitness;
        _schedule.EndEpoch(fitness);
        _state = _state with { Epoch = epoch, BestFitness = isBest ? fitness : _state.BestFitness, BestEpoch = isBest ? epoch : _state.BestEpoch };
        return isBest;
    }

    /// <summary>
    /// Writes the epoch's results.csv row and weights (last, best, save_period), then the resume state (with the epoch
    /// count as refitted after this epoch and the time spent so far). The state is the commit point: a kill before it
    /// lands resumes into this epoch again, whose row and weights are then written anew (a resume truncates
    /// results.csv to the state's epoch); a kill after it finds everything of the epoch on disk.
    /// </summary>
    private void Save(int epoch, Dictionary<string, double> row, bool isBest)
    {
        _csv.Append(row);
        string last = SaveLastWeights();
        if (isBest) File.Copy(last, Path.Combine(_weightsDir, Checkpoint.BestWeights), overwrite: true);
        if (_o.SavePeriod > 0 && (epoch + 1) % _o.SavePeriod == 0)
            File.Copy(last, Path.Combine(_weightsDir, $"epoch{epoch + 1}.safetensors"), overwrite: true);
        _state = _state with { EmaUpdates = _ema.Updates, Epochs = _epochs, ElapsedSeconds = _budget.ElapsedSeconds, Schedule = _schedule.State() };
        Checkpoint.SaveState(_weightsDir, _task.Model, _task.EmaModel, _optimizer, _state);
    }

    private string SaveLastWeights()
    {
        string last = Path.Combine(_weightsDir, Checkpoint.LastWeights);
        Checkpoint.SaveAtomic(last, _task.EmaModel.StateDict(), _task.WeightsMetadata);
        return last;
    }

    private Dictionary<string, double> Row(int epoch, EpochTrain train, ValidationOutcome? val)
    {
        var row = new Dictionary<string, double> { ["epoch"] = epoch + 1 };
        for (int k = 0; k < _task.LossNames.Count; k++) row["train/" + _task.LossNames[k]] = train.Loss[k];
        if (val is not null)
        {
            foreach (var (name, v) in val.Metrics) row[name] = v;
            if (val.Loss is { } vl)
                for (int k = 0; k < _task.LossNames.Count; k++) row["val/" + _task.LossNames[k]] = vl[k];
        }
        var lrs = _optimizer.ParamGroups.Select(g => g.Lr).ToArray();
        for (int g = 0; g < 3; g++) row[$"lr/pg{g}"] = lrs[Math.Min(g, lrs.Length - 1)];
        return row;
    }

    private void ReportEpoch(int epoch, EpochTrain train, Dictionary<string, double> values, ValidationOutcome? val, bool isBest)
    {
        double ips = train.Images / Math.Max(1e-9, train.Seconds);
        _report.EndEpoch(new EpochSummary(epoch, _epochs, values, train.Loss.Sum(), isBest, TimeSpan.FromSeconds(train.Seconds), ips, val?.Elapsed));
        if (_o.Verbose) _report.Info("  time per phase: " + train.Phases);
    }

    /// <summary>The reason to stop after <paramref name="epoch"/>, or null; with a time budget, refits the epoch count first.</summary>
    private string? StopAfter(int epoch, bool timeUp)
    {
        if (epoch - _state.BestEpoch >= _o.Patience)
            return $"early stopping: no improvement in the last {_o.Patience} epochs (best was epoch {_state.BestEpoch + 1})";
        if (timeUp) return string.Create(CultureInfo.InvariantCulture, $"time limit of {_o.Time:G4} hours reached");
        if (!_budget.Enabled) return null;
        // Ultralytics: epochs = ceil(time / mean epoch time), and the lr schedule is rebuilt for it. The epoch just
        // finished is already counted, so a refit to it or below ends the run here (Ultralytics' stop |= epoch >= epochs).
        int refit = _budget.Refit(epoch + 1);
        if (refit != _epochs)
        {
            _epochs = refit;
            _schedule.Refit(refit);
        }
        return epoch + 1 >= _epochs
            ? string.Create(CultureInfo.InvariantCulture, $"time budget of {_o.Time:G4} hours: no room for another epoch")
            : null;
    }

    /// <summary>Ctrl+C or a cancelled token: the weights so far go to last.safetensors; the resume state stays at the last finished epoch.</summary>
    private string Interrupted(int epoch)
    {
        SaveLastWeights();
        return $"interrupted during epoch {epoch + 1}: {Path.Combine(_weightsDir, Checkpoint.LastWeights)} holds the weights so far; " +
            $"continue with 'visioncuda train {_task.Task} resume={_runDir}' (it restarts epoch {epoch + 1})";
    }

    public void Dispose() => _optimizer.Dispose();
}
