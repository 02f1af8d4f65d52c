namespace VisionCuda.Training.Engine;

/// <summary>
/// The outcome of a training run, the same for every task: the metrics of the last validation by results.csv name
/// (metrics/accuracy_top1, metrics/mAP50(B), ...), and why it stopped.
/// </summary>
public sealed record TrainResult(string RunDirectory, int EpochsRun, double BestFitness, int BestEpoch,
    IReadOnlyDictionary<string, double>? FinalMetrics, string? StopReason, double TrainImagesPerSecond, TimeSpan Elapsed, bool Interrupted)
{
    /// <summary>A final metric by name, or NaN when the run was never validated.</summary>
    public double Metric(string name) => FinalMetrics is not null && FinalMetrics.TryGetValue(name, out var v) ? v : double.NaN;
}

/// <summary>Raised when the loss stops being finite; the message says which checkpoint is still good.</summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(string message) : base(message)
    {
    }
}
