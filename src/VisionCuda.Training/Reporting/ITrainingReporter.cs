namespace VisionCuda.Training.Reporting;

/// <summary>Progress of one training batch, for progress bars and embedding apps.</summary>
public readonly record struct BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Lr, double ImagesPerSecond);

/// <summary>What an epoch produced.</summary>
public sealed record EpochSummary(int Epoch, int Epochs, double TrainLoss, double? Top1, double? Top5, double? ValLoss,
    IReadOnlyList<double> GroupLrs, bool IsBest, TimeSpan Elapsed);

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
