using VisionCuda.NN;

namespace VisionCuda.Training.Engine;

/// <summary>One training batch as the engine sees it: the task's own data, its index in the epoch and its image count.</summary>
public readonly record struct TrainBatch<T>(T Data, int Index, int Count) : IDisposable where T : IDisposable
{
    public void Dispose() => Data.Dispose();
}

/// <summary>
/// A batch's loss: the tensor to back-propagate and its components as numbers (gains applied; their sum is the
/// logged loss, named by <see cref="ITrainingTask{TBatch}.LossNames"/>).
/// </summary>
public sealed record TaskLoss(Tensor Total, double[] Items);

/// <summary>What validating the EMA model produced: the task's metrics by results.csv name, its val losses, and the fitness that picks best.safetensors.</summary>
public sealed record ValidationOutcome(IReadOnlyDictionary<string, double> Metrics, double[]? Loss, double Fitness, TimeSpan Elapsed);

/// <summary>
/// What a task supplies to the shared <see cref="Trainer{TOptions, TBatch}"/>: its data loader, model (and the EMA
/// twin), loss, validator and the names of its metrics. Everything else (run folder, args.yaml, optimizer and
/// schedule, accumulation, clipping, EMA updates, checkpoints, exact resume, time budget, results.csv, patience,
/// NaN stop, cancellation) is the engine's.
/// </summary>
public interface ITrainingTask<TBatch> : IDisposable where TBatch : IDisposable
{
    /// <summary>classify, detect, segment: the run folder is runs/&lt;task&gt;/&lt;name&gt;/.</summary>
    string Task { get; }

    /// <summary>Loss component names: results.csv has train/&lt;name&gt; and val/&lt;name&gt; for each.</summary>
    IReadOnlyList<string> LossNames { get; }

    /// <summary>The metric columns of results.csv, in order (e.g. metrics/mAP50(B)).</summary>
    IReadOnlyList<string> MetricNames { get; }

    /// <summary>The model being trained (freezing already applied).</summary>
    Module Model { get; }

    /// <summary>A second instance of the same architecture that holds the EMA weights (validated and saved).</summary>
    Module EmaModel { get; }

    int NumClasses { get; }

    int TrainImages { get; }

    int BatchesPerEpoch { get; }

    /// <summary>optimizer=auto's AdamW lr when the model starts from scratch (null: Ultralytics' fitted rate).</summary>
    double? AutoAdamWLr { get; }

    /// <summary>Metadata of the weights files: only what rebuilds the model (conventions.md).</summary>
    IReadOnlyDictionary<string, string> WeightsMetadata { get; }

    /// <summary>The batches of <paramref name="epoch"/> in a run of <paramref name="epochs"/> (which may be refitted by a time budget).</summary>
    IEnumerable<TrainBatch<TBatch>> Epoch(int epoch, int epochs, CancellationToken cancellationToken);

    /// <summary>Forward pass and loss of one batch (inside the engine's dispose scope, gradients on).</summary>
    TaskLoss Loss(TBatch batch);

    /// <summary>Validates <see cref="EmaModel"/> on the validation split.</summary>
    ValidationOutcome Validate(CancellationToken cancellationToken);

    /// <summary>Writes what the last validation leaves for the user (the confusion matrix) into the run folder.</summary>
    void SaveValidationArtifacts(string runDirectory);
}
