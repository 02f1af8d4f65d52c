namespace VisionCuda.Training.Classify;

/// <summary>Top-1/top-5 accuracy, per-class accuracy and the confusion matrix (rows: true class, columns: predicted).</summary>
public sealed class ClassifyMetrics
{
    private readonly long[,] _confusion;
    private long _top1, _top5, _count;
    private double _lossSum;
    private long _lossBatches;

    public ClassifyMetrics(int numClasses)
    {
        NumClasses = numClasses;
        _confusion = new long[numClasses, numClasses];
    }

    public int NumClasses { get; }

    public long Count => _count;

    public double Top1 => _count == 0 ? 0 : (double)_top1 / _count;

    public double Top5 => _count == 0 ? 0 : (double)_top5 / _count;

    /// <summary>Mean of the per-batch losses.</summary>
    public double Loss => _lossBatches == 0 ? 0 : _lossSum / _lossBatches;

    /// <summary>Ultralytics' classification fitness: the mean of top-1 and top-5.</summary>
    public double Fitness => (Top1 + Top5) / 2;

    public long[,] Confusion => _confusion;

    /// <summary>Accuracy of each true class (NaN for a class with no samples).</summary>
    public double[] PerClassAccuracy()
    {
        var acc = new double[NumClasses];
        for (int c = 0; c < NumClasses; c++)
        {
            long total = 0;
            for (int p = 0; p < NumClasses; p++) total += _confusion[c, p];
            acc[c] = total == 0 ? double.NaN : (double)_confusion[c, c] / total;
        }
        return acc;
    }

    public void AddLoss(double batchLoss)
    {
        _lossSum += batchLoss;
        _lossBatches++;
    }

    /// <summary>Adds a batch of logits [B, C] (row-major) with their true labels.</summary>
    public void Add(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels)
    {
        int c = NumClasses;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = logits.Slice(i * c, c);
            int truth = labels[i];
            int pred = 0;
            for (int j = 1; j < c; j++) if (row[j] > row[pred]) pred = j;
            // Top-1 is the argmax (first maximum, as torch.argmax); top-5 counts the classes scoring strictly higher.
            int higher = 0;
            for (int j = 0; j < c; j++) if (row[j] > row[truth]) higher++;
            if (pred == truth) _top1++;
            if (higher < 5) _top5++;
            _confusion[truth, pred]++;
            _count++;
        }
    }
}
