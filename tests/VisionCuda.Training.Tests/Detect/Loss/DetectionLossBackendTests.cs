using VisionCuda.Backends;
using VisionCuda.TestSupport;
using VisionCuda.Training.Detect.Loss;

namespace VisionCuda.Training.Tests.Detect.Loss;

// The whole detection loss (fused CIoU, DFL decode/loss and the assigner metrics on the predictions' backend) on
// cuda-emu and ilgpu:cpu against the Cpu backend, on the golden cases' inputs: the same assignment, components and
// gradients with respect to every level output.
public sealed class DetectionLossBackendTests
{
    private sealed record Run(float Box, float Cls, float Dfl, float Total, int Foreground, bool[][] Fg, int[][] Gt, float[][] Grads);

    private static Run Compute(string golden, IBackend backend)
    {
        var g = DetectGolden.Load(golden);
        int nc = g.Param("nc").GetInt32();
        var strides = g.Param("strides").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var hw = g.Param("img_hw").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[]? cw = g.Param("cls_weights").ValueKind == System.Text.Json.JsonValueKind.Null
            ? null : g.Param("cls_weights").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var levels = Enumerable.Range(0, strides.Length)
            .Select(i => Tensor.FromArray(g.Floats($"level{i}"), g.Shape($"level{i}"), backend, requiresGrad: true)).ToArray();
        var loss = new DetectionLoss(nc, strides, 16, new DetectionLossOptions { ClassWeights = cw });
        var r = loss.Compute(levels, DetectionTargets.FromRows(g.Floats("targets")), hw[0], hw[1]);
        r.Total.Backward();
        return new Run(r.Box, r.Cls, r.Dfl, r.Total.Item(), r.Foreground,
            loss.LastAssignments.Select(x => x.Foreground).ToArray(), loss.LastAssignments.Select(x => x.GtIndex).ToArray(),
            levels.Select(l => l.Grad!.ToArray()).ToArray());
    }

    [Theory]
    [InlineData("loss_square", "cuda-emu")]
    [InlineData("loss_rect_weighted", "cuda-emu")]
    [InlineData("loss_square", "ilgpu:cpu")]
    public void MatchesCpu(string golden, string device)
    {
        VisionCuda.Cuda.CudaDevices.EnsureRegistered();
        VisionCuda.Ilgpu.IlgpuDevices.EnsureRegistered();
        var cpu = Compute(golden, Devices.Get("cpu"));
        var dev = Compute(golden, Devices.Get(device));
        Assert.True(cpu.Foreground > 0, "the case should have foreground anchors");
        Assert.Equal(cpu.Foreground, dev.Foreground);
        for (int i = 0; i < cpu.Fg.Length; i++)
        {
            Assert.Equal(cpu.Fg[i], dev.Fg[i]);
            Assert.Equal(cpu.Gt[i], dev.Gt[i]);
        }
        Close.AssertAllClose(new[] { cpu.Box, cpu.Cls, cpu.Dfl, cpu.Total }, new[] { dev.Box, dev.Cls, dev.Dfl, dev.Total }, 1e-4, 1e-5, $"{device}: box, cls, dfl, total");
        for (int l = 0; l < cpu.Grads.Length; l++)
            Close.AssertAllClose(cpu.Grads[l], dev.Grads[l], 1e-4, 1e-6, $"{device}: d total / d level{l}");
    }
}
