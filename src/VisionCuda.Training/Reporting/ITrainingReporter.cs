namespace VisionCuda.Training.Reporting;

/// <summary>Progress of one training batch, for progress bars and embedding apps.</summary>
public readonly record struct BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Lr, double ImagesPerSecond);

/// <summary>
/// What an epoch produced, the same for every task: <see cref="Values"/> is the epoch's results.csv row by column name
/// (train/... and val/... losses, the task's metrics such as metrics/accuracy_top1, metrics/mAP50(B) or metrics/mIoU,
/// lr/pg0..2), so an app reads any task's metrics the same way.
/// </summary>
public sealed record EpochSummary(int Epoch, int Epochs, IReadOnlyDictionary<string, double> Values, double TrainLoss, bool IsBest,
    TimeSpan Elapsed, double ImagesPerSecond, TimeSpan? ValidationElapsed)
{
    /// <summary>A value of the row, or null when the epoch has none (e.g. metrics of an epoch that was not validated).</summary>
    public double? this[string column] => Values.TryGetValue(column, out var v) ? v : null;

    /// <summary>The task's metrics (the metrics/ columns) of this epoch; empty when it was not validated.</summary>
    public IEnumerable<KeyValuePair<string, double>> Metrics => Values.Where(kv => kv.Key.StartsWith("metrics/", StringComparison.Ordinal));
}

/// <summary>Receives training progress. The CLI renders it; an embedding app can log it or ignore it.</summary>
public interface ITrainingReporter
{
    void Info(string message);

    void Warning(string message);

    void BeginEpoch(int epoch, int epochs, int batches);

    void Batch(in BatchProgress progress);

    void EndEpoch(EpochSummary summary);
}

/// <summary>Discards everything (the default for the embedding API).</summary>
public sealed class SilentReporter : ITrainingReporter
{
    public static SilentReporter Instance { get; } = new();

    public void Info(string message) { }
    public void Warning(string message) { }
    public void BeginEpoch(int epoch, int epochs, int batches) { }
    public void Batch(in BatchProgress progress) { }
    public void EndEpoch(EpochSummary summary) { }
}
