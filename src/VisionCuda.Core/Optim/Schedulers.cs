namespace VisionCuda.Optim;

/// <summary>
/// An epoch-indexed schedule: <see cref="SetEpoch"/> puts every group's lr at InitialLr * Factor(epoch), as
/// PyTorch's LambdaLR does after <c>last_epoch = epoch</c>. It is a pure function of the epoch, so a resumed run
/// just calls SetEpoch(startEpoch).
/// </summary>
public class LambdaLR
{
    private readonly Func<int, double> _factor;

    public LambdaLR(Optimizer optimizer, Func<int, double> factor)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _factor = factor ?? throw new ArgumentNullException(nameof(factor));
        SetEpoch(0);
    }

    public Optimizer Optimizer { get; }

    public int Epoch { get; private set; }

    public double Factor(int epoch) => _factor(epoch);

    public void SetEpoch(int epoch)
    {
        Epoch = epoch;
        double f = _factor(epoch);
        foreach (var g in Optimizer.ParamGroups) g.Lr = g.InitialLr * f;
    }

    /// <summary>Advances one epoch (PyTorch's scheduler.step()).</summary>
    public void Step() => SetEpoch(Epoch + 1);
}

/// <summary>StepLR: lr = InitialLr * gamma^(epoch / stepSize).</summary>
public sealed class StepLR : LambdaLR
{
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1)
        : base(optimizer, LrLambdas.Step(stepSize, gamma))
    {
    }
}

/// <summary>
/// Ultralytics' schedule: linear warmup over the first <see cref="WarmupIterations"/> iterations, then the per-epoch
/// factor lf(epoch) (<see cref="LrLambdas"/>). Call <see cref="BeginEpoch"/> at the start of each epoch and
/// <see cref="BeginIteration"/> before each batch. During warmup (ni &lt;= nw, np.interp over [0, nw]):
/// group 0 (the bias group of <see cref="ParamGroups.Ultralytics"/>) ramps from warmup_bias_lr and the others from 0 to
/// InitialLr * lf(epoch); momentum (SGD only) ramps from warmup_momentum to momentum; the accumulation count ramps
/// from 1 to nbs/batch.
/// </summary>
public sealed class WarmupSchedule
{
    private readonly Func<int, double> _lf;

    public WarmupSchedule(Optimizer optimizer, Func<int, double> lf, int batchesPerEpoch, double warmupEpochs = 3.0,
                          double warmupMomentum = 0.8, double warmupBiasLr = 0.1, double momentum = 0.937,
                          int nbs = 64, int batchSize = 16)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _lf = lf ?? throw new ArgumentNullException(nameof(lf));
        if (batchesPerEpoch <= 0) throw new ArgumentOutOfRangeException(nameof(batchesPerEpoch), "need at least one batch per epoch");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "batch size must be > 0");
        BatchesPerEpoch = batchesPerEpoch;
        WarmupMomentum = warmupMomentum;
        WarmupBiasLr = warmupBiasLr;
        Momentum = momentum;
        Nbs = nbs;
        BatchSize = batchSize;
        // nw = max(round(warmup_epochs * nb), 100) if warmup_epochs > 0 else -1 (Python round: half to even).
        WarmupIterations = warmupEpochs > 0 ? Math.Max((int)Math.Round(warmupEpochs * batchesPerEpoch, MidpointRounding.ToEven), 100) : -1;
        Accumulate = Accumulation.Steps(nbs, batchSize);
    }

    public Optimizer Optimizer { get; }

    public int BatchesPerEpoch { get; }

    /// <summary>nw; -1 when warmup is off.</summary>
    public int WarmupIterations { get; }

    public double WarmupMomentum { get; }

    public double WarmupBiasLr { get; }

    public double Momentum { get; }

    public int Nbs { get; }

    public int BatchSize { get; }

    /// <summary>Batches to accumulate before an optimizer step; ramps up during warmup.</summary>
    public int Accumulate { get; private set; }

    public int Epoch { get; private set; }

    public double Factor(int epoch) => _lf(epoch);

    /// <summary>lr = InitialLr * lf(epoch) for every group (the LambdaLR step at the start of the epoch).</summary>
    public void BeginEpoch(int epoch)
    {
        Epoch = epoch;
        double f = _lf(epoch);
        foreach (var g in Optimizer.ParamGroups) g.Lr = g.InitialLr * f;
    }

    /// <summary>Applies warmup for batch <paramref name="batchIndex"/> of the current epoch; returns the global iteration ni.</summary>
    public long BeginIteration(int batchIndex)
    {
        long ni = batchIndex + (long)BatchesPerEpoch * Epoch;
        if (ni <= WarmupIterations)
        {
            double nw = WarmupIterations;
            Accumulate = Math.Max(1, (int)Math.Round(Interp(ni, nw, 1.0, (double)Nbs / BatchSize), MidpointRounding.ToEven));
            double f = _lf(Epoch);
            var groups = Optimizer.ParamGroups;
            for (int j = 0; j < groups.Count; j++)
            {
                var g = groups[j];
                g.Lr = Interp(ni, nw, j == 0 ? WarmupBiasLr : 0.0, g.InitialLr * f);
                if (Optimizer.UsesMomentum) g.Momentum = Interp(ni, nw, WarmupMomentum, Momentum);
            }
        }
        else
        {
            Accumulate = Accumulation.Steps(Nbs, BatchSize);
        }
        return ni;
    }

    /// <summary>np.interp(x, [0, x1], [y0, y1]) for 0 &lt;= x &lt;= x1.</summary>
    private static double Interp(double x, double x1, double y0, double y1)
    {
        if (x >= x1) return y1;
        if (x <= 0) return y0;
        double slope = (y1 - y0) / x1;
        return slope * x + y0;
    }
}

/// <summary>Whether a larger or a smaller metric is better for <see cref="ReduceLROnPlateau"/>.</summary>
public enum PlateauMode
{
    Min,
    Max,
}

/// <summary>
/// PyTorch's ReduceLROnPlateau (threshold_mode 'rel' or 'abs'): after more than <see cref="Patience"/> epochs
/// without improvement, every group's lr is multiplied by <see cref="ReduceFactor"/> (floored at MinLr), then a
/// cooldown of <see cref="Cooldown"/> epochs follows. Decreases smaller than eps are ignored.
/// </summary>
public sealed class ReduceLROnPlateau
{
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
                             double threshold = 1e-4, bool relativeThreshold = true, int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        if (factor >= 1.0) throw new ArgumentOutOfRangeException(nameof(factor), "factor must be < 1");
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Mode = mode;
        ReduceFactor = factor;
        Patience = patience;
        Threshold = threshold;
        RelativeThreshold = relativeThreshold;
        Cooldown = cooldown;
        MinLr = minLr;
        Eps = eps;
        Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    public Optimizer Optimizer { get; }

    public PlateauMode Mode { get; }

    public double ReduceFactor { get; }

    public int Patience { get; }

    public double Threshold { get; }

    public bool RelativeThreshold { get; }

    public int Cooldown { get; }

    public double MinLr { get; }

    public double Eps { get; }

    public double Best { get; private set; }

    public int BadEpochs { get; private set; }

    public int CooldownCounter { get; private set; }

    /// <summary>Feeds one epoch's metric; returns true when the learning rates were reduced.</summary>
    public bool Step(double metric)
    {
        if (!Observe(metric)) return false;
        bool reduced = false;
        foreach (var g in Optimizer.ParamGroups)
        {
            double newLr = Math.Max(g.Lr * ReduceFactor, MinLr);
            if (g.Lr - newLr > Eps)
            {
                g.Lr = newLr;
                reduced = true;
            }
        }
        return reduced;
    }

    /// <summary>
    /// Feeds one epoch's metric to the plateau logic alone (best, bad epochs, cooldown) and returns whether a reduction
    /// is due now; the caller applies it (a schedule that owns the lr as a factor, e.g. under warmup, uses this).
    /// </summary>
    public bool Observe(double metric)
    {
        if (IsBetter(metric))
        {
            Best = metric;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            BadEpochs = 0;
        }
        if (BadEpochs > Patience)
        {
            CooldownCounter = Cooldown;
            BadEpochs = 0;
            return true;
        }
        return false;
    }

    /// <summary>Puts the plateau state back (resume).</summary>
    public void Restore(double best, int badEpochs, int cooldownCounter)
    {
        Best = best;
        BadEpochs = badEpochs;
        CooldownCounter = cooldownCounter;
    }

    private bool IsBetter(double a)
    {
        if (double.IsNaN(a)) return false;
        return (Mode, RelativeThreshold) switch
        {
            (PlateauMode.Min, true) => a < Best * (1.0 - Threshold),
            (PlateauMode.Min, false) => a < Best - Threshold,
            (PlateauMode.Max, true) => a > Best * (Threshold + 1.0),
            _ => a > Best + Threshold,
        };
    }
}
