using VisionCuda.NN;
using VisionCuda.Optim;

namespace VisionCuda.Training.Common;

/// <summary>
/// Builds the optimizer as Ultralytics' build_optimizer does, for every task: three parameter groups (biases, decayed
/// weights, BN weights), and for optimizer=auto, SGD(lr0) for long runs (more than 10,000 iterations) or else AdamW
/// with a learning rate fitted to the class count, lr = round(0.002 * 5 / (4 + nc), 6) (or <paramref name="autoAdamWLr"/>
/// when given), and momentum 0.9.
/// With <paramref name="trainableOnly"/>, parameters with RequiresGrad = false (e.g. YOLO's fixed DFL bins, frozen
/// layers) are left out of the groups.
/// </summary>
public static class OptimizerSetup
{
    public static (Optimizer optimizer, string name, double lr, double momentum) Build(Module model, string optimizer, double lr0, double momentum0,
        int numClasses, long iterations, double weightDecay, double? autoAdamWLr = null, bool trainableOnly = false)
    {
        string name = optimizer.ToLowerInvariant();
        double lr = lr0, momentum = momentum0;
        if (name == "auto")
        {
            if (iterations > 10_000)
            {
                name = "sgd";
            }
            else
            {
                name = "adamw";
                lr = autoAdamWLr ?? Math.Round(0.002 * 5 / (4 + numClasses), 6, MidpointRounding.ToEven);
                momentum = 0.9;
            }
        }
        var groups = ParamGroups.Ultralytics(model, weightDecay, lr);
        if (trainableOnly)
            groups = groups.Select(g => new ParamGroup(g.Parameters.Where(p => p.RequiresGrad).ToList(), lr: lr, weightDecay: g.Name == "weight" ? weightDecay : 0.0, name: g.Name)).ToArray();
        foreach (var g in groups) g.InitialLr = lr;
        Optimizer opt = name switch
        {
            "sgd" => new Sgd(groups, lr, momentum, weightDecay, nesterov: true),
            "adam" => new Adam(groups, lr, momentum, 0.999, 1e-8, weightDecay),
            "adamw" => new AdamW(groups, lr, momentum, 0.999, 1e-8, weightDecay),
            _ => throw new ArgumentException($"invalid value for 'optimizer': '{optimizer}' (SGD, Adam, AdamW or auto)"),
        };
        return (opt, name, lr, momentum);
    }
}
