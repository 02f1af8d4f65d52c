using VisionCuda.Optim;
using VisionCuda.Training.Classify;
using VisionCuda.Training.Engine;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Training.Runs;
using VisionCuda.Training.Tests.Classify;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Tests.Engine;

/// <summary>The engine's options are acted on: schedulers, cancellation with an exact resume after it, refused modes.</summary>
public class EngineBehaviourTests
{
    private static string Shapes(CliRunner cli)
    {
        string data = Path.Combine(cli.Root, "shapes");
        SyntheticShapes.WriteImageFolder(data, 16, 2, imageSize: 16, seed: 3);
        return data;
    }

    [Fact]
    public void StepSchedulerHalvesTheLrEveryEpoch()
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("train", "classify", $"data={Shapes(cli)}", "epochs=3", "batch=8", "imgsz=16", "workers=0", "optimizer=SGD",
            "lr0=0.01", "warmup_epochs=0", "scheduler=step", "step_size=1", "gamma=0.5", "name=step");
        Assert.True(code == 0, err);
        var rows = ResultsCsv.Read(Path.Combine(cli.Root, "runs", "classify", "step", "results.csv"));
        Assert.Equal(new[] { 0.01, 0.005, 0.0025 }, rows.Select(r => Math.Round(r["lr/pg0"], 8)));
        Assert.Equal(rows.Select(r => r["lr/pg0"]), rows.Select(r => r["lr/pg2"]));
    }

    [Fact]
    public void PlateauSchedulerReducesAfterPatienceAndItsStateRoundTrips()
    {
        var p = Tensor.Zeros(new[] { 2 });
        using var sgd = new Sgd(new[] { new ParamGroup(new[] { p }, lr: 0.1) { InitialLr = 0.1 } }, 0.1);
        var o = new ClassifyTrainOptions { Scheduler = "plateau", PlateauPatience = 1, Gamma = 0.5, Lrf = 0.2, WarmupEpochs = 0 };
        var s = new LrSchedule(sgd, o, batchesPerEpoch: 4, momentum: 0.9, epochs: 10);
        double Lr(int epoch)
        {
            s.Warmup.BeginEpoch(epoch);
            return sgd.ParamGroups[0].Lr;
        }
        Assert.Equal(0.1, Lr(0), 12);
        s.EndEpoch(0.5);          // best
        s.EndEpoch(0.4);          // 1 bad epoch: within patience
        Assert.Equal(0.1, Lr(2), 12);
        s.EndEpoch(0.4);          // 2 bad epochs > patience 1: halve
        Assert.Equal(0.05, Lr(3), 12);
        var saved = s.State();
        var t = new LrSchedule(sgd, o, 4, 0.9, 10);
        t.Restore(saved);
        Assert.Equal(saved, t.State());
        s.EndEpoch(0.3);
        s.EndEpoch(0.3);
        s.EndEpoch(0.3);
        s.EndEpoch(0.3);          // floored at lrf = 0.2 of lr0
        Assert.Equal(0.02, Lr(7), 12);
    }

    private sealed class CancelAt(CancellationTokenSource cts, int epoch, int batch) : ITrainingReporter
    {
        public void Info(string message) { }
        public void Warning(string message) { }
        public void BeginEpoch(int e, int epochs, int batches) { }
        public void Batch(in BatchProgress progress)
        {
            if (progress.Epoch == epoch && progress.Batch == batch) cts.Cancel();
        }
        public void EndEpoch(EpochSummary summary) { }
    }

    /// <summary>Ctrl+C (a cancelled token) stops at the next batch, saves last.safetensors, keeps the resume state; the resumed run is exact.</summary>
    [Fact]
    public void CancelledRunSavesWeightsAndResumesExactly()
    {
        using var cli = new CliRunner();
        string data = Shapes(cli);
        ClassifyTrainOptions Options(string name) => new()
        {
            Data = data, Epochs = 3, Batch = 8, Imgsz = 16, Workers = 0, Name = name, Project = Path.Combine(cli.Root, "runs"),
        };
        new ClassifyTrainer(Options("full")).Train();
        using var cts = new CancellationTokenSource();
        var stopped = new ClassifyTrainer(Options("stopped"), new CancelAt(cts, 1, 1)).Train(cts.Token);
        Assert.True(stopped.Interrupted);
        Assert.Contains("resume=", stopped.StopReason);
        string weights = Path.Combine(stopped.RunDirectory, "weights");
        Assert.True(File.Exists(Path.Combine(weights, Checkpoint.LastWeights)));
        Assert.True(File.Exists(Path.Combine(weights, Checkpoint.LastState)), "an interrupted run keeps its resume state");
        Assert.Single(ResultsCsv.Read(Path.Combine(stopped.RunDirectory, "results.csv")));

        var resumed = new ClassifyTrainer(new ClassifyTrainOptions { Resume = stopped.RunDirectory }).Train();
        Assert.False(resumed.Interrupted);
        var a = File.ReadAllBytes(Path.Combine(cli.Root, "runs", "full", "weights", Checkpoint.LastWeights));
        var b = File.ReadAllBytes(Path.Combine(weights, Checkpoint.LastWeights));
        Assert.True(a.AsSpan().SequenceEqual(b), "the resumed run differs from the uninterrupted one");
    }

    /// <summary>One predictor shape for classify too: a path, a Stream and an in-memory image give the same top-5.</summary>
    [Fact]
    public void ClassifyPredictOverloadsAgree()
    {
        using var cli = new CliRunner();
        string data = Shapes(cli);
        var run = new ClassifyTrainer(new ClassifyTrainOptions { Data = data, Epochs = 1, Batch = 8, Imgsz = 16, Workers = 0, Project = Path.Combine(cli.Root, "runs") }).Train();
        using var p = new ClassifyPredictor(Path.Combine(run.RunDirectory, "weights", Checkpoint.LastWeights));
        string file = Directory.GetFiles(Path.Combine(data, "val"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var fromPath = p.Predict(file);
        using var stream = File.OpenRead(file);
        using var mat = VisionCuda.Vision.Imaging.ImageIO.Read(file);
        Assert.Equal(fromPath.Top5, p.Predict(stream, "s").Top5);
        Assert.Equal(fromPath.Top5, p.Predict(mat, "m").Top5);
        Assert.Equal(fromPath.Top5, p.PredictSource(file)[0].Top5);
    }

    [Fact]
    public void RefusedModesSayWhy()
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("train", "classify", "deterministic=False", "epochs=1");
        Assert.Equal(2, code);
        Assert.Contains("'deterministic'", err);
        (code, _, err) = cli.Run("train", "detect", "scheduler=onecycle", "epochs=1");
        Assert.Equal(2, code);
        Assert.Contains("'scheduler'", err);
        Assert.Equal("cos", new ClassifyTrainOptions { CosLr = true }.ResolvedScheduler);
        Assert.Equal("step", new ClassifyTrainOptions { CosLr = true, Scheduler = "step" }.ResolvedScheduler);
        Assert.Equal(10.0, new DetectTrainOptions().MaxNorm);
    }
}
