using VisionCuda.Training.Engine;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Training.Classify;

/// <summary>
/// Trains a classifier: the shared engine (<see cref="Trainer{TOptions, TBatch}"/>: warmup then the scheduler, three
/// parameter groups, accumulation to nbs, clipping, EMA, validation each epoch, best/last checkpoints, exact resume,
/// patience, time budget) over the classify task (<see cref="ClassifyTask"/>).
/// </summary>
public sealed class ClassifyTrainer : Trainer<ClassifyTrainOptions, ClassificationBatch>
{
    public ClassifyTrainer(ClassifyTrainOptions options, ITrainingReporter? reporter = null, string? workingDirectory = null)
        : base("classify", options, (o, backend, report) => new ClassifyTask(o, backend, report), reporter, workingDirectory)
    {
    }
}
