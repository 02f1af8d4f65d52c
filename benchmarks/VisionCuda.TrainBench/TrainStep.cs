using System.Diagnostics;
using VisionCuda.Autograd;
using VisionCuda.Backends;
using VisionCuda.Memory;
using VisionCuda.Models.Yolo;
using VisionCuda.Optim;
using VisionCuda.Training.Common;
using VisionCuda.Training.Detect.Loss;
using VisionCuda.Training.Detect.Train;

namespace VisionCuda.TrainBench;

/// <summary>
/// One detection training step the way DetectTrainer runs it (forward, loss, backward, gradient clip to norm 10,
/// SGD momentum 0.937 nesterov with Ultralytics' three parameter groups, EMA update, zero grad) on a fixed random
/// batch: uniform images and a few random boxes per image, the same recipe as the PyTorch peer. The optimizer and
/// EMA run every step (Ultralytics accumulates 4 batches of 16 to 64 first; the peer does the same as here).
/// </summary>
public sealed class TrainStep : IDisposable
{
    public static readonly string[] PhaseNames = { "forward", "loss", "backward", "step+ema" };

    private readonly YoloModel _model;
    private readonly YoloModel _emaModel;
    private readonly ModelEma _ema;
    private readonly Optimizer _optimizer;
    private readonly DetectionLoss _loss;
    private readonly List<Tensor> _trainable;
    private readonly float[] _images;
    private readonly int[] _shape;
    private readonly DetectionTargets _targets;
    private readonly IBackend _backend;
    private readonly int _imgsz;

    public TrainStep(IBackend backend, TrainBenchOptions o)
    {
        _backend = backend;
        _imgsz = o.Imgsz;
        _model = YoloModel.FromYaml(o.Model, o.Nc, seed: 0);
        _model.To(backend);
        _model.Train();
        _emaModel = DetectModels.Twin(_model, backend);
        _ema = new ModelEma(_model, _emaModel);
        (_optimizer, _, _, _) = OptimizerSetup.Build(_model, "SGD", 0.01, 0.937, o.Nc, 1_000_000, 5e-4, trainableOnly: true);
        _loss = new DetectionLoss(_model, new DetectionLossOptions());
        _trainable = _model.Parameters().Where(p => p.RequiresGrad).ToList();
        ParameterCount = _model.Parameters().Sum(p => p.Numel);

        var rng = new System.Random(0);
        _shape = new[] { o.Batch, 3, o.Imgsz, o.Imgsz };
        _images = new float[o.Batch * 3L * o.Imgsz * o.Imgsz];
        for (int i = 0; i < _images.Length; i++) _images[i] = rng.NextSingle();
        var rows = new List<float>();
        for (int b = 0; b < o.Batch; b++)
            for (int k = 0; k < o.BoxesPerImage; k++)
                rows.AddRange(new[] { b, rng.Next(o.Nc), 0.2f + 0.6f * rng.NextSingle(), 0.2f + 0.6f * rng.NextSingle(),
                    0.05f + 0.35f * rng.NextSingle(), 0.05f + 0.35f * rng.NextSingle() });
        _targets = DetectionTargets.FromRows(rows.ToArray());
    }

    public long ParameterCount { get; }

    /// <summary>Runs one step; returns the seconds of each phase (<see cref="PhaseNames"/>).</summary>
    public double[] Run()
    {
        var t = new double[PhaseNames.Length];
        var clock = Stopwatch.StartNew();
        void Lap(int phase) { t[phase] = clock.Elapsed.TotalSeconds; clock.Restart(); }
        using (var scope = DisposeScope.Enter())
        {
            var x = Tensor.FromArray(_images, _shape, _backend);
            var levels = _model.ForwardLevels(x);
            Lap(0);
            var r = _loss.Compute(levels, _targets, _imgsz, _imgsz);
            Lap(1);
            r.Total.Backward();
        }
        Lap(2);
        using (GradMode.NoGrad())
        {
            GradClip.ClipGradNorm(_trainable, 10.0);
            _optimizer.Step();
            _ema.Update(_model);
        }
        _optimizer.ZeroGrad();
        _backend.Synchronize();
        Lap(3);
        return t;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _emaModel.Dispose();
        _model.Dispose();
    }
}
