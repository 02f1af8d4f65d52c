using VisionCuda.Training.Runs;
using VisionCuda.Training.Tests.Classify;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Tests.Detect.Train;

/// <summary>
/// The trainer's seam: on cuda-emu the train batches are planned by the loader and built by the backend's AugmentBatch,
/// on cpu they are built by the loader; one epoch (mosaic, mixup, HSV, flips on) runs and gives the Cpu run's losses.
/// The images are bitwise equal (DeviceAugmentLoaderTests); what is left is the backends' training arithmetic, which on
/// this tiny run puts box_loss 2.5e-4 (relative) apart, the same with the batches built on the host
/// (measured: cuda-emu 0.00895375 vs cpu 0.00895151 either way). Hence 1e-3 rather than conventions.md's 1e-4.
/// </summary>
public class DeviceAugmentTrainTests
{
    private static Dictionary<string, double> OneEpoch(CliRunner cli, string data, string device)
    {
        string name = "aug-" + device.Replace(':', '_');
        var (code, _, err) = cli.Run("train", "detect", $"data={data}", "model=yolov8n.yaml", "epochs=1", "imgsz=64", "batch=4", "workers=0",
            "mixup=0.5", "flipud=0.3", "degrees=5", "warmup_epochs=0", "nbs=4", "close_mosaic=0", "val=False", "--deterministic", "seed=0",
            $"device={device}", $"name={name}", "--exist_ok");
        Assert.True(code == 0, err);
        return ResultsCsv.Read(Path.Combine(cli.Root, "runs", "detect", name, "results.csv"))[0];
    }

    [Fact]
    public void OneEpochOnCudaEmuMatchesCpu()
    {
        using var cli = new CliRunner();
        string data = SyntheticDetection.Write(Path.Combine(cli.Root, "syn"), 8, 4, imgsz: 64, seed: 3);
        var cpu = OneEpoch(cli, data, "cpu");
        var emu = OneEpoch(cli, data, "cuda-emu");
        foreach (var key in new[] { "train/box_loss", "train/cls_loss", "train/dfl_loss" })
            Assert.True(Math.Abs(emu[key] - cpu[key]) <= 1e-3 * Math.Abs(cpu[key]), $"{key}: cuda-emu {emu[key]:R} vs cpu {cpu[key]:R}");
    }
}
