using VisionCuda.NN;

namespace VisionCuda.Optim;

/// <summary>Builders for parameter groups.</summary>
public static class ParamGroups
{
    /// <summary>
    /// The three groups Ultralytics' <c>build_optimizer</c> makes, in its optimizer order (which is the order of
    /// <c>lr/pg0</c>, <c>lr/pg1</c>, <c>lr/pg2</c> in results.csv):
    /// <list type="number">
    /// <item>pg0 "bias": every parameter whose full name contains "bias", no weight decay. Warmup ramps its lr down from warmup_bias_lr.</item>
    /// <item>pg1 "weight": all other weights (conv, linear) with <paramref name="weightDecay"/>.</item>
    /// <item>pg2 "bn": weights of normalisation layers (<see cref="INormLayer"/>), no weight decay.</item>
    /// </list>
    /// Frozen parameters are included, as in Ultralytics; the optimizer skips parameters without a gradient.
    /// The learning rate, when null, comes from the optimizer's default.
    /// </summary>
    public static IReadOnlyList<ParamGroup> Ultralytics(Module model, double weightDecay, double? lr = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var weights = new List<Tensor>();
        var bn = new List<Tensor>();
        var biases = new List<Tensor>();
        foreach (var (moduleName, module) in model.NamedModules())
        {
            foreach (var (paramName, p) in module.NamedParameters(recurse: false))
            {
                string full = moduleName.Length == 0 ? paramName : moduleName + "." + paramName;
                if (full.Contains("bias", StringComparison.Ordinal)) biases.Add(p);
                else if (module is INormLayer) bn.Add(p);
                else weights.Add(p);
            }
        }
        return new[]
        {
            new ParamGroup(biases, lr: lr, weightDecay: 0.0, name: "bias"),
            new ParamGroup(weights, lr: lr, weightDecay: weightDecay, name: "weight"),
            new ParamGroup(bn, lr: lr, weightDecay: 0.0, name: "bn"),
        };
    }
}
