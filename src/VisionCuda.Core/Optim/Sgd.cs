namespace VisionCuda.Optim;

/// <summary>
/// Stochastic gradient descent as <c>torch.optim.SGD</c> (dampening 0): g = grad + wd*p; buf = momentum*buf + g
/// (buf = g on the first step); p -= lr * (nesterov ? g + momentum*buf : buf). One fused backend call per parameter.
/// </summary>
public sealed class Sgd : Optimizer
{
    public Sgd(IEnumerable<Tensor>? parameters, double lr, double momentum = 0, double weightDecay = 0, bool nesterov = false)
        : base(lr, momentum, weightDecay, 0.9, 0.999)
    {
        if (nesterov && momentum <= 0) throw new ArgumentException("Nesterov momentum requires a momentum > 0");
        Nesterov = nesterov;
        if (parameters is not null) AddParamGroup(new ParamGroup(parameters));
    }

    /// <summary>An SGD over several groups (e.g. <see cref="ParamGroups.Ultralytics"/>).</summary>
    public Sgd(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double weightDecay = 0, bool nesterov = false)
        : this((IEnumerable<Tensor>?)null, lr, momentum, weightDecay, nesterov)
    {
        foreach (var g in groups) AddParamGroup(g);
    }

    public bool Nesterov { get; }

    public override bool UsesMomentum => true;

    protected override void StepParameter(ParamGroup group, Tensor param, ParamState state)
    {
        bool first = !state.Tensors.TryGetValue("momentum_buffer", out var buf);
        if (buf is null) state.Tensors["momentum_buffer"] = buf = StateLike(param);
        param.Backend.SgdStep(param.Storage, param.Grad!.Storage, buf.Storage, param.Numel,
            (float)group.Lr, (float)group.Momentum, (float)group.WeightDecay, Nesterov, first);
    }
}
