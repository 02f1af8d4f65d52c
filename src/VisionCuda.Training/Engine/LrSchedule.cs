using System.Globalization;
using VisionCuda.Optim;
using VisionCuda.Training.Options;

namespace VisionCuda.Training.Engine;

/// <summary>
/// The learning-rate schedule of a run: Ultralytics' warmup (<see cref="WarmupSchedule"/>) followed by the per-epoch
/// factor of <c>scheduler</c>:
/// - linear / cos: Ultralytics' lf over the (possibly refitted) epoch count, to lrf at the end;
/// - step: PyTorch's StepLR factor, gamma^(epoch / step_size);
/// - plateau: PyTorch's ReduceLROnPlateau on the fitness (higher is better), the factor multiplied by gamma after
///   more than plateau_patience epochs without improvement, floored at lrf.
/// The plateau state (factor, best, bad epochs) goes into the checkpoint, so a resumed run continues it.
/// </summary>
public sealed class LrSchedule
{
    private readonly Optimizer _optimizer;
    private readonly TrainOptionsBase _o;
    private readonly int _batchesPerEpoch;
    private readonly double _momentum;
    private readonly ReduceLROnPlateau? _plateau;
    private double _plateauFactor = 1.0;

    public LrSchedule(Optimizer optimizer, TrainOptionsBase options, int batchesPerEpoch, double momentum, int epochs)
    {
        _optimizer = optimizer;
        _o = options;
        _batchesPerEpoch = batchesPerEpoch;
        _momentum = momentum;
        Kind = options.ResolvedScheduler;
        if (Kind == "plateau")
            _plateau = new ReduceLROnPlateau(optimizer, PlateauMode.Max, options.Gamma, options.PlateauPatience);
        Warmup = Build(epochs);
    }

    public string Kind { get; }

    /// <summary>The warmup + lf schedule in force (rebuilt by <see cref="Refit"/>).</summary>
    public WarmupSchedule Warmup { get; private set; }

    /// <summary>Rebuilds the schedule for a new epoch count (a time budget's refit).</summary>
    public void Refit(int epochs) => Warmup = Build(epochs);

    /// <summary>Feeds the epoch's fitness to scheduler=plateau; other schedules depend on the epoch alone.</summary>
    public void EndEpoch(double fitness)
    {
        if (_plateau is not null && _plateau.Observe(fitness))
            _plateauFactor = Math.Max(_plateauFactor * _plateau.ReduceFactor, _o.Lrf);
    }

    /// <summary>Schedule state for the checkpoint (empty unless plateau).</summary>
    public Dictionary<string, string> State()
    {
        var s = new Dictionary<string, string>();
        if (_plateau is null) return s;
        s["plateau.factor"] = _plateauFactor.ToString("R", CultureInfo.InvariantCulture);
        s["plateau.best"] = _plateau.Best.ToString("R", CultureInfo.InvariantCulture);
        s["plateau.bad_epochs"] = _plateau.BadEpochs.ToString(CultureInfo.InvariantCulture);
        s["plateau.cooldown"] = _plateau.CooldownCounter.ToString(CultureInfo.InvariantCulture);
        return s;
    }

    public void Restore(IReadOnlyDictionary<string, string> state)
    {
        if (_plateau is null || !state.TryGetValue("plateau.factor", out var f)) return;
        double D(string k) => double.Parse(state[k], CultureInfo.InvariantCulture);
        int I(string k) => int.Parse(state[k], CultureInfo.InvariantCulture);
        _plateauFactor = double.Parse(f, CultureInfo.InvariantCulture);
        _plateau.Restore(D("plateau.best"), I("plateau.bad_epochs"), I("plateau.cooldown"));
    }

    private WarmupSchedule Build(int epochs)
    {
        Func<int, double> lf = Kind switch
        {
            "cos" => LrLambdas.Cosine(epochs, _o.Lrf),
            "step" => LrLambdas.Step(_o.StepSize, _o.Gamma),
            "plateau" => _ => _plateauFactor,
            _ => LrLambdas.Linear(epochs, _o.Lrf),
        };
        return new WarmupSchedule(_optimizer, lf, _batchesPerEpoch, _o.WarmupEpochs, _o.WarmupMomentum, _o.WarmupBiasLr, _momentum, _o.Nbs, _o.Batch);
    }
}
