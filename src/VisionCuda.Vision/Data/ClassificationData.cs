namespace VisionCuda.Vision.Data;

/// <summary>The splits of one classification data set. All splits share <see cref="ClassNames"/>.</summary>
public sealed record ClassificationData(
    IClassificationDataset Train,
    IClassificationDataset Val,
    IClassificationDataset? Test,
    IReadOnlyList<string> ClassNames,
    string Source)
{
    public int NumClasses => ClassNames.Count;

    /// <summary>Channel count of the decoded images (1 for MNIST, 3 otherwise).</summary>
    public int Channels => Train.Channels;
}
