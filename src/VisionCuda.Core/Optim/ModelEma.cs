using VisionCuda.Autograd;
using VisionCuda.NN;

namespace VisionCuda.Optim;

/// <summary>
/// Exponential moving average of a model's weights, as Ultralytics' ModelEMA: after update number u,
/// d = decay * (1 - exp(-u / tau)) and every float entry of the EMA model's state dict becomes
/// d * ema + (1 - d) * model (batch-norm running statistics included, as Ultralytics does; with
/// <c>copyBuffers</c> true, buffers are copied instead). Int32 entries are copied.
///
/// The EMA model is a second instance of the same architecture (build it with the same factory); it is put in eval
/// mode with gradients off, and starts as a copy of <paramref name="model"/>.
/// </summary>
public sealed class ModelEma
{
    public ModelEma(Module model, Module emaModel, double decay = 0.9999, double tau = 2000, int updates = 0, bool copyBuffers = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        Module = emaModel ?? throw new ArgumentNullException(nameof(emaModel));
        Decay = decay;
        Tau = tau;
        Updates = updates;
        CopyBuffers = copyBuffers;
        Module.LoadStateDict(model.StateDict(), strict: true);
        Module.Eval();
        Module.RequiresGrad(false);
    }

    /// <summary>The averaged model (eval mode): validate and save this one.</summary>
    public Module Module { get; }

    public double Decay { get; }

    public double Tau { get; }

    public bool CopyBuffers { get; }

    /// <summary>Number of updates so far (saved with checkpoints for resume).</summary>
    public int Updates { get; set; }

    /// <summary>The decay used at update number <paramref name="updates"/>.</summary>
    public double DecayAt(int updates) => Decay * (1.0 - Math.Exp(-updates / Tau));

    public void Update(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var _ = GradMode.NoGrad();
        Updates++;
        float d = (float)DecayAt(Updates);
        var msd = model.StateDict();
        var buffers = CopyBuffers ? new HashSet<string>(Module.NamedBuffers().Select(b => b.Name), StringComparer.Ordinal) : null;
        foreach (var (name, e) in Module.StateDict())
        {
            if (!msd.TryGetValue(name, out var m))
                throw new InvalidOperationException($"ModelEma: the model has no '{name}' (EMA model and model differ)");
            if (e.DType != DType.Float32 || (buffers?.Contains(name) ?? false))
                e.CopyFrom(m);
            else
                e.Backend.EmaUpdate(e.Storage, m.Storage, e.Numel, d);
        }
    }
}
