using VisionCuda.NN;
using VisionCuda.Optim;
using VisionCuda.Training.Common;
using VisionCuda.Training.Options;

namespace VisionCuda.Training.Classify;

/// <summary>
/// Builds the optimizer as Ultralytics' build_optimizer does (see <see cref="OptimizerSetup"/>, shared with detection).
/// </summary>
public static class OptimizerFactory
{
    public static (Optimizer optimizer, string name, double lr, double momentum) Build(Module model, TrainOptions o, int numClasses, long iterations, double weightDecay)
        => OptimizerSetup.Build(model, o.Optimizer, o.Lr0, o.Momentum, numClasses, iterations, weightDecay);
}
