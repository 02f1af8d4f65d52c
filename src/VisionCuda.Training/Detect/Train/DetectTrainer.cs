using VisionCuda.Training.Engine;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Detect.Train;

/// <summary>
/// Trains a YOLO detector: the shared engine (<see cref="Trainer{TOptions, TBatch}"/>: warmup then the scheduler, the
/// three Ultralytics parameter groups from trainable parameters only, accumulation to nbs, clipping, EMA, validation
/// each epoch, atomic last/best checkpoints, exact resume, patience, a time budget whose refitted epoch count and
/// spent time survive a resume) over the detect task (<see cref="DetectTask"/>).
/// </summary>
public sealed class DetectTrainer : Trainer<DetectTrainOptions, DetectionBatch>
{
    /// <summary>results.csv columns of a detection run (Ultralytics' names and order).</summary>
    public static readonly string[] ResultsColumns =
        new[] { "epoch", "train/box_loss", "train/cls_loss", "train/dfl_loss" }.Concat(DetectTask.Metrics)
            .Concat(new[] { "val/box_loss", "val/cls_loss", "val/dfl_loss", "lr/pg0", "lr/pg1", "lr/pg2" }).ToArray();

    public DetectTrainer(DetectTrainOptions options, ITrainingReporter? reporter = null, string? workingDirectory = null)
        : base("detect", options, (o, backend, report) => new DetectTask(o, backend, report), reporter, workingDirectory)
    {
    }
}
