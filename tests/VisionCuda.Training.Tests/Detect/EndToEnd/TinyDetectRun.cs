using VisionCuda.Training.Tests.Classify;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Tests.Detect.EndToEnd;

/// <summary>
/// One short training run shared by the end-to-end tests: a tiny synthetic set (16 training images of 64 x 64,
/// 8 validation images) trained for a few epochs at imgsz 64 without mosaic or warmup, so the model has learned
/// something (its mAP on the training images is above zero) in well under a minute.
/// </summary>
public sealed class TinyDetectRun : IDisposable
{
    public const int Epochs = 10;

    public TinyDetectRun()
    {
        Cli = new CliRunner();
        DataYaml = SyntheticDetection.Write(Path.Combine(Cli.Root, "syn"), 16, 8, imgsz: 64, seed: 5);
        TrainImages = Path.Combine(Cli.Root, "syn", "images", "train");
        // One large class-0 box per training image, so that a few epochs learn something measurable.
        var labels = Directory.GetFiles(Path.Combine(Cli.Root, "syn", "labels", "train"), "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        for (int i = 0; i < labels.Length; i++) File.AppendAllText(labels[i], "0 0.5 0.5 0.8 0.8\n");
        var (code, stdout, stderr) = Cli.Run("train", "detect", $"data={DataYaml}", $"epochs={Epochs}", "imgsz=64", "batch=8", "workers=0",
            "mosaic=0", "warmup_epochs=0", "nbs=8", "optimizer=AdamW", "lr0=0.004", "close_mosaic=0", "name=tiny");
        Code = code;
        Stdout = stdout;
        Stderr = stderr;
        RunDir = Path.Combine(Cli.Root, "runs", "detect", "tiny");
        Weights = Path.Combine(RunDir, "weights", "best.safetensors");
    }

    internal CliRunner Cli { get; }
    public string DataYaml { get; }
    public string TrainImages { get; }
    public int Code { get; }
    public string Stdout { get; }
    public string Stderr { get; }
    public string RunDir { get; }
    public string Weights { get; }

    public void Dispose() => Cli.Dispose();
}
