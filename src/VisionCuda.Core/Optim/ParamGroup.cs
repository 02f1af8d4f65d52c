namespace VisionCuda.Optim;

/// <summary>
/// A set of parameters sharing hyper-parameters, as in PyTorch's <c>param_groups</c>. Values left null take the
/// optimizer's defaults when the group is added. <see cref="Lr"/> and <see cref="Momentum"/> are changed by the
/// schedulers; <see cref="InitialLr"/> is the base they scale (PyTorch's <c>initial_lr</c>).
/// For Adam/AdamW, <see cref="Beta1"/> plays the role of momentum (Ultralytics builds Adam with betas=(momentum, 0.999)).
/// </summary>
public sealed class ParamGroup
{
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? momentum = null, double? weightDecay = null,
                      string? name = null, double? beta1 = null, double? beta2 = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        foreach (var p in Parameters)
            if (!p.IsLeaf) throw new ArgumentException("optimizers can only update leaf tensors (parameters)");
        LrOrNull = lr;
        MomentumOrNull = momentum;
        WeightDecayOrNull = weightDecay;
        Beta1OrNull = beta1;
        Beta2OrNull = beta2;
        Name = name ?? "";
    }

    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Free-form label ("bias", "weight", "bn", "backbone") for logs.</summary>
    public string Name { get; set; }

    public double Lr { get; set; }

    /// <summary>The learning rate the group started with; schedulers multiply it by their factor.</summary>
    public double InitialLr { get; set; }

    public double Momentum { get; set; }

    public double WeightDecay { get; set; }

    public double Beta1 { get; set; }

    public double Beta2 { get; set; }

    internal double? LrOrNull { get; }

    internal double? MomentumOrNull { get; }

    internal double? WeightDecayOrNull { get; }

    internal double? Beta1OrNull { get; }

    internal double? Beta2OrNull { get; }

    public override string ToString() => $"ParamGroup({Name}, {Parameters.Count} params, lr={Lr}, momentum={Momentum}, weight_decay={WeightDecay})";
}
