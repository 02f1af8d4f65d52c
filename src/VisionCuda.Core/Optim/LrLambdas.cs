namespace VisionCuda.Optim;

/// <summary>Ultralytics' per-epoch learning-rate factors lf(epoch), multiplied into each group's InitialLr.</summary>
public static class LrLambdas
{
    /// <summary>Linear: lf(e) = max(1 - e/epochs, 0) * (1 - lrf) + lrf.</summary>
    public static Func<int, double> Linear(int epochs, double lrf)
    {
        CheckEpochs(epochs);
        return e => Math.Max(1.0 - (double)e / epochs, 0.0) * (1.0 - lrf) + lrf;
    }

    /// <summary>Cosine (Ultralytics' one_cycle(1, lrf, epochs)): lf(e) = max((1 - cos(e*pi/epochs))/2, 0) * (lrf - 1) + 1.</summary>
    public static Func<int, double> Cosine(int epochs, double lrf)
    {
        CheckEpochs(epochs);
        return e => Math.Max((1.0 - Math.Cos(e * Math.PI / epochs)) / 2.0, 0.0) * (lrf - 1.0) + 1.0;
    }

    /// <summary>PyTorch's StepLR as a factor: lf(e) = gamma^(e / stepSize) (integer division).</summary>
    public static Func<int, double> Step(int stepSize, double gamma)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), $"step size must be > 0, got {stepSize}");
        return e => Math.Pow(gamma, e / stepSize);
    }

    private static void CheckEpochs(int epochs)
    {
        if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"epochs must be > 0, got {epochs}");
    }
}
