using VisionCuda.Autograd;
using VisionCuda.Backends;
using VisionCuda.Memory;
using VisionCuda.NN;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Training.Classify;

/// <summary>Runs a model in eval mode over a loader and collects top-1/top-5, loss and the confusion matrix.</summary>
public static class ClassifyEvaluator
{
    public static ClassifyMetrics Evaluate(Module model, DataLoader loader, ClassifyLoss? criterion, int numClasses, IBackend backend,
        CancellationToken cancellationToken = default)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        var metrics = new ClassifyMetrics(numClasses);
        try
        {
            using var noGrad = GradMode.NoGrad();
            foreach (var batch in loader.Epoch(0, cancellationToken))
            {
                using var b = batch;
                using var scope = DisposeScope.Enter();
                var x = Tensor.FromArray(b.Images, b.Shape, backend);
                var logits = model.Forward(x);
                if (criterion is not null)
                {
                    var y = Tensor.FromArray(b.Labels, new[] { b.Count }, backend);
                    metrics.AddLoss(criterion.Compute(logits, y).Item());
                }
                metrics.Add(logits.ToArray(), b.Labels);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return metrics;
    }
}
