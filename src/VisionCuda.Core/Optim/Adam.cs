namespace VisionCuda.Optim;

/// <summary>
/// Adam (<see cref="Decoupled"/> false: weight decay added to the gradient) and AdamW (true: p *= 1 - lr*wd),
/// bias-corrected as <c>torch.optim.Adam/AdamW</c>; beta1 is the group's <see cref="ParamGroup.Beta1"/>.
/// </summary>
public class Adam : Optimizer
{
    public Adam(IEnumerable<Tensor>? parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : this(parameters, lr, beta1, beta2, eps, weightDecay, decoupled: false)
    {
    }

    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : this(null, lr, beta1, beta2, eps, weightDecay, decoupled: false)
    {
        foreach (var g in groups) AddParamGroup(g);
    }

    protected Adam(IEnumerable<Tensor>? parameters, double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled)
        : base(lr, beta1, weightDecay, beta1, beta2)
    {
        Eps = eps;
        Decoupled = decoupled;
        if (parameters is not null) AddParamGroup(new ParamGroup(parameters));
    }

    public double Eps { get; }

    public bool Decoupled { get; }

    public override bool UsesMomentum => false;

    protected override void StepParameter(ParamGroup group, Tensor param, ParamState state)
    {
        if (!state.Tensors.TryGetValue("exp_avg", out var m)) state.Tensors["exp_avg"] = m = StateLike(param);
        if (!state.Tensors.TryGetValue("exp_avg_sq", out var v)) state.Tensors["exp_avg_sq"] = v = StateLike(param);
        int step = IncrementStep(param, state);
        param.Backend.AdamStep(param.Storage, param.Grad!.Storage, m.Storage, v.Storage, param.Numel,
            (float)group.Lr, (float)group.Beta1, (float)group.Beta2, (float)Eps, (float)group.WeightDecay, Decoupled, step);
    }
}

/// <summary>AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch).</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor>? parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, decoupled: true)
    {
    }

    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
        : base(null, lr, beta1, beta2, eps, weightDecay, decoupled: true)
    {
        foreach (var g in groups) AddParamGroup(g);
    }
}
