using System.Globalization;
using VisionCuda.Autograd;
using VisionCuda.IO;

namespace VisionCuda.Optim;

/// <summary>
/// Base of SGD, Adam and AdamW. A step reads <c>optimizer.ZeroGrad(); loss.Backward(); optimizer.Step();</c>.
/// Parameters without a gradient (frozen, or unused in the forward) are skipped, as in PyTorch.
///
/// Per-parameter state (momentum buffers, Adam moments and step counts) lives in tensors owned by the optimizer and
/// is exported by <see cref="StateDict"/> under "state.{group}.{index}.{name}"; group hyper-parameters go to
/// <see cref="HyperParameters"/>. <see cref="Save"/>/<see cref="Load"/> write both to one safetensors file, so that
/// a resumed run continues bit for bit.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> _groups = new();
    private readonly Dictionary<Tensor, ParamState> _state = new(ReferenceEqualityComparer.Instance);

    protected Optimizer(double lr, double momentum, double weightDecay, double beta1, double beta2)
    {
        if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), $"learning rate must be >= 0, got {lr}");
        DefaultLr = lr;
        DefaultMomentum = momentum;
        DefaultWeightDecay = weightDecay;
        DefaultBeta1 = beta1;
        DefaultBeta2 = beta2;
    }

    public double DefaultLr { get; }

    public double DefaultMomentum { get; }

    public double DefaultWeightDecay { get; }

    public double DefaultBeta1 { get; }

    public double DefaultBeta2 { get; }

    /// <summary>Whether the schedulers' momentum warmup applies (SGD: yes; Adam: no, as in Ultralytics where Adam groups have no 'momentum').</summary>
    public abstract bool UsesMomentum { get; }

    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Adds a group, filling unset hyper-parameters from the optimizer's defaults; InitialLr = Lr.</summary>
    public ParamGroup AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        foreach (var p in group.Parameters)
            foreach (var g in _groups)
                if (g.Parameters.Any(q => ReferenceEquals(q, p)))
                    throw new ArgumentException("some parameters appear in more than one parameter group");
        group.Lr = group.LrOrNull ?? DefaultLr;
        group.InitialLr = group.Lr;
        group.Momentum = group.MomentumOrNull ?? DefaultMomentum;
        group.WeightDecay = group.WeightDecayOrNull ?? DefaultWeightDecay;
        group.Beta1 = group.Beta1OrNull ?? group.MomentumOrNull ?? DefaultBeta1;
        group.Beta2 = group.Beta2OrNull ?? DefaultBeta2;
        _groups.Add(group);
        return group;
    }

    /// <summary>Drops the gradient of every parameter in every group.</summary>
    public void ZeroGrad()
    {
        foreach (var g in _groups)
            foreach (var p in g.Parameters) p.ZeroGrad();
    }

    /// <summary>Updates every parameter that has a gradient, in place.</summary>
    public void Step()
    {
        using var _ = GradMode.NoGrad();
        for (int gi = 0; gi < _groups.Count; gi++)
        {
            var g = _groups[gi];
            foreach (var p in g.Parameters)
            {
                if (p.Grad is null) continue;
                if (!ReferenceEquals(p.Grad.Backend, p.Backend))
                    throw new InvalidOperationException($"gradient on {p.Grad.Backend.Name} but parameter on {p.Backend.Name}");
                if (!_state.TryGetValue(p, out var st))
                {
                    st = new ParamState();
                    _state[p] = st;
                }
                StepParameter(g, p, st);
            }
        }
    }

    /// <summary>Updates one parameter; <paramref name="state"/> is its persistent state (empty on the first step).</summary>
    protected abstract void StepParameter(ParamGroup group, Tensor param, ParamState state);

    /// <summary>A zero tensor shaped like <paramref name="p"/>, outside any dispose scope (optimizer state).</summary>
    protected static Tensor StateLike(Tensor p) => Tensor.Zeros(p.Shape, p.Backend).DetachFromScope();

    /// <summary>
    /// Advances the parameter's step counter and mirrors it into the "step" Int32 tensor of the state dict
    /// (an upload, no device sync). Returns the new count, starting at 1.
    /// </summary>
    protected static int IncrementStep(Tensor p, ParamState state)
    {
        state.Step++;
        if (!state.Tensors.TryGetValue("step", out var t))
            state.Tensors["step"] = t = Tensor.Empty(new[] { 1 }, p.Backend, DType.Int32).DetachFromScope();
        p.Backend.Upload<int>(new[] { state.Step }, t.Storage);
        return state.Step;
    }

    // ---- state dict --------------------------------------------------------------------------------------

    /// <summary>Per-parameter state tensors under "state.{group}.{index}.{name}" (live tensors, not copies).</summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var sd = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        for (int gi = 0; gi < _groups.Count; gi++)
        {
            var ps = _groups[gi].Parameters;
            for (int pi = 0; pi < ps.Count; pi++)
                if (_state.TryGetValue(ps[pi], out var st))
                    foreach (var key in st.Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal))
                        sd.Add($"state.{gi}.{pi}.{key}", st.Tensors[key]);
        }
        return sd;
    }

    /// <summary>Group hyper-parameters as strings ("group.{i}.lr" ...), round-trip exact.</summary>
    public Dictionary<string, string> HyperParameters()
    {
        var h = new Dictionary<string, string>(StringComparer.Ordinal) { ["optimizer"] = GetType().Name, ["groups"] = _groups.Count.ToString(CultureInfo.InvariantCulture) };
        for (int i = 0; i < _groups.Count; i++)
        {
            var g = _groups[i];
            h[$"group.{i}.lr"] = R(g.Lr);
            h[$"group.{i}.initial_lr"] = R(g.InitialLr);
            h[$"group.{i}.momentum"] = R(g.Momentum);
            h[$"group.{i}.weight_decay"] = R(g.WeightDecay);
            h[$"group.{i}.beta1"] = R(g.Beta1);
            h[$"group.{i}.beta2"] = R(g.Beta2);
            h[$"group.{i}.params"] = g.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        }
        return h;
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Restores state saved by <see cref="StateDict"/> (and optionally <see cref="HyperParameters"/>) into an optimizer
    /// built over the same parameters in the same groups. Shapes and group layout are checked first.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, string>? hyper = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (hyper is not null)
        {
            if (hyper.TryGetValue("optimizer", out var kind) && kind != GetType().Name)
                throw new InvalidOperationException($"optimizer state was saved by {kind}, cannot load it into {GetType().Name}");
            if (hyper.TryGetValue("groups", out var n) && int.Parse(n, CultureInfo.InvariantCulture) != _groups.Count)
                throw new InvalidOperationException($"optimizer state has {n} parameter groups, this optimizer has {_groups.Count}");
            for (int i = 0; i < _groups.Count; i++)
                if (hyper.TryGetValue($"group.{i}.params", out var c) && int.Parse(c, CultureInfo.InvariantCulture) != _groups[i].Parameters.Count)
                    throw new InvalidOperationException($"optimizer state group {i} has {c} parameters, this optimizer's has {_groups[i].Parameters.Count}");
        }
        var parsed = new List<(Tensor Param, string Key, Tensor Value)>();
        foreach (var (name, value) in state)
        {
            var parts = name.Split('.');
            if (parts.Length != 4 || parts[0] != "state" || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int gi) || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out int pi))
                throw new InvalidOperationException($"unexpected optimizer state key '{name}'");
            if (gi < 0 || gi >= _groups.Count || pi < 0 || pi >= _groups[gi].Parameters.Count)
                throw new InvalidOperationException($"optimizer state key '{name}' does not match the parameter groups");
            var p = _groups[gi].Parameters[pi];
            bool isStep = parts[3] == "step";
            if (!isStep && !Shapes.SameShape(p.Shape, value.Shape))
                throw new InvalidOperationException($"optimizer state '{name}' has shape {Shapes.Format(value.Shape)}, parameter has {Shapes.Format(p.Shape)}");
            parsed.Add((p, parts[3], value));
        }
        ClearState();
        foreach (var (p, key, value) in parsed)
        {
            if (!_state.TryGetValue(p, out var st)) _state[p] = st = new ParamState();
            if (key == "step")
            {
                if (value.DType != DType.Int32 || value.Numel != 1) throw new InvalidOperationException("optimizer 'step' state must be one Int32");
                st.Step = value.ToIntArray()[0];
            }
            st.Tensors[key] = value.To(p.Backend).DetachFromScope();
        }
        if (hyper is not null)
        {
            for (int i = 0; i < _groups.Count; i++)
            {
                var g = _groups[i];
                if (hyper.TryGetValue($"group.{i}.lr", out var v)) g.Lr = double.Parse(v, CultureInfo.InvariantCulture);
                if (hyper.TryGetValue($"group.{i}.initial_lr", out v)) g.InitialLr = double.Parse(v, CultureInfo.InvariantCulture);
                if (hyper.TryGetValue($"group.{i}.momentum", out v)) g.Momentum = double.Parse(v, CultureInfo.InvariantCulture);
                if (hyper.TryGetValue($"group.{i}.weight_decay", out v)) g.WeightDecay = double.Parse(v, CultureInfo.InvariantCulture);
                if (hyper.TryGetValue($"group.{i}.beta1", out v)) g.Beta1 = double.Parse(v, CultureInfo.InvariantCulture);
                if (hyper.TryGetValue($"group.{i}.beta2", out v)) g.Beta2 = double.Parse(v, CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Writes state and hyper-parameters to a safetensors file.</summary>
    public void Save(string path) => SafeTensors.Save(path, StateDict(), HyperParameters());

    public void Load(string path)
    {
        using var file = SafeTensors.Load(path, _groups.SelectMany(g => g.Parameters).FirstOrDefault()?.Backend);
        LoadStateDict(file.Tensors, file.Metadata);
    }

    private void ClearState()
    {
        foreach (var st in _state.Values)
            foreach (var t in st.Tensors.Values) t.Dispose();
        _state.Clear();
    }

    public void Dispose()
    {
        ClearState();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Per-parameter optimizer state: named tensors (saved in the state dict) and a host-side step count.</summary>
public sealed class ParamState
{
    public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>Steps taken so far (mirrors the "step" tensor when the optimizer keeps one).</summary>
    public int Step { get; set; }
}
