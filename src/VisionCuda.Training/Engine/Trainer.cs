using VisionCuda.Backends;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Training.Runs;

namespace VisionCuda.Training.Engine;

/// <summary>
/// The one training engine of every task (in the spirit of Ultralytics' BaseTrainer). It resolves resume (the run's
/// args.yaml back into options), opens the device, asks the task for its data, model, loss and validator
/// (<see cref="ITrainingTask{TBatch}"/>), makes the run folder and args.yaml, and runs the epochs
/// (<see cref="TrainingRun{TBatch}"/>). Tasks are thin: ClassifyTrainer and DetectTrainer only name their task.
/// </summary>
public class Trainer<TOptions, TBatch> where TOptions : TrainOptionsBase, new() where TBatch : IDisposable
{
    /// <summary>Builds the task's data, model and loss from the (resolved, validated) options.</summary>
    public delegate ITrainingTask<TBatch> TaskFactory(TOptions options, IBackend backend, ITrainingReporter reporter);

    private readonly string _task;
    private readonly TOptions _options;
    private readonly TaskFactory _createTask;
    private readonly ITrainingReporter _report;
    private readonly string? _workingDirectory;

    protected Trainer(string task, TOptions options, TaskFactory createTask, ITrainingReporter? reporter, string? workingDirectory)
    {
        _task = task;
        _options = options;
        _createTask = createTask;
        _report = reporter ?? SilentReporter.Instance;
        _workingDirectory = workingDirectory;
    }

    /// <summary>
    /// Trains to the end (epochs, patience or time). Cancelling <paramref name="cancellationToken"/> stops at the next
    /// batch, saves last.safetensors and returns with <see cref="TrainResult.Interrupted"/> set; the run resumes from
    /// the last finished epoch.
    /// </summary>
    public TrainResult Train(CancellationToken cancellationToken = default)
    {
        var o = _options;
        string? resumeDir = RunSupport.ResolveResume(o.Resume, _task, o.Project, _workingDirectory);
        if (resumeDir is not null) o = RunSupport.LoadResumeArgs<TOptions>(resumeDir);
        o.Resolve();
        o.Validate();
        var backend = Devices.Get(o.Device);
        using var task = _createTask(o, backend, _report);
        string runDir = resumeDir ?? RunDirectory.Resolve(_task, o.Project, o.Name, o.ExistOk, _workingDirectory);
        Directory.CreateDirectory(Path.Combine(runDir, "weights"));
        if (resumeDir is null) File.WriteAllText(Path.Combine(runDir, "args.yaml"), ArgsYaml.ToYaml(o));
        using var run = new TrainingRun<TBatch>(o, task, runDir, resumed: resumeDir is not null, _report);
        return run.Execute(cancellationToken);
    }
}
