namespace VisionCuda.Optim;

/// <summary>Gradient accumulation to a nominal batch size (Ultralytics' nbs).</summary>
public static class Accumulation
{
    /// <summary>accumulate = max(round(nbs / batch), 1), Python rounding (half to even).</summary>
    public static int Steps(int nbs, int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "batch size must be > 0");
        return Math.Max((int)Math.Round((double)nbs / batchSize, MidpointRounding.ToEven), 1);
    }

    /// <summary>weight_decay * batch * accumulate / nbs: the decay scaled to the effective batch.</summary>
    public static double ScaledWeightDecay(double weightDecay, int batchSize, int accumulate, int nbs)
    {
        if (nbs <= 0) throw new ArgumentOutOfRangeException(nameof(nbs), "nbs must be > 0");
        return weightDecay * batchSize * accumulate / nbs;
    }
}
