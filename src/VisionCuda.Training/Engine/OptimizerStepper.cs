using VisionCuda.Autograd;
using VisionCuda.NN;
using VisionCuda.Optim;

namespace VisionCuda.Training.Engine;

/// <summary>
/// Gradient accumulation to the nominal batch, clipping and the optimizer step with its EMA update, as Ultralytics'
/// optimizer_step: gradients of <c>accumulate</c> batches add up, then the global L2 norm of the trainable
/// parameters' gradients is clipped to max_norm (0 = off), the optimizer steps, the EMA follows, and the gradients
/// are zeroed.
/// </summary>
public sealed class OptimizerStepper
{
    private readonly IReadOnlyList<Tensor> _trainable;
    private readonly double _maxNorm;
    private int _pending;

    public OptimizerStepper(Optimizer optimizer, ModelEma ema, Module model, double maxNorm)
    {
        Optimizer = optimizer;
        Ema = ema;
        Model = model;
        _maxNorm = maxNorm;
        _trainable = model.Parameters().Where(p => p.RequiresGrad).ToList();
    }

    public Optimizer Optimizer { get; }

    public ModelEma Ema { get; }

    public Module Model { get; }

    /// <summary>Counts a batch whose gradients were added; steps when <paramref name="accumulate"/> are pending or the epoch ends.</summary>
    public void Accumulated(int accumulate, bool lastBatch)
    {
        _pending++;
        if (_pending >= accumulate || lastBatch) Step();
    }

    /// <summary>Applies what is pending (a time stop in the middle of an accumulation).</summary>
    public void Flush()
    {
        if (_pending > 0) Step();
    }

    private void Step()
    {
        using (GradMode.NoGrad())
        {
            if (_maxNorm > 0) GradClip.ClipGradNorm(_trainable, _maxNorm);
            Optimizer.Step();
            Ema.Update(Model);
        }
        Optimizer.ZeroGrad();
        _pending = 0;
    }
}
