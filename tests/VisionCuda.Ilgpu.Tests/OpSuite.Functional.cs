using VisionCuda.Backends;
using static VisionCuda.Ilgpu.Tests.OpHarness;

namespace VisionCuda.Ilgpu.Tests;

public abstract partial class OpSuite
{
    /// <summary>
    /// A small network step through the functional API (conv, batch-norm, relu, max-pool, linear, cross-entropy),
    /// forward and backward on the device and on the Cpu backend: the loss and every parameter gradient must agree.
    /// </summary>
    [SkippableFact]
    public void FunctionalConvBnCrossEntropyStep()
    {
        var h = H;
        var r = Run(h.Dev);
        var c = Run(h.Cpu);
        for (int i = 0; i < r.Length; i++) Close(c[i], r[i], RedRtol, RedAtol, $"F step output {i}");
    }

    private static float[][] Run(IBackend be)
    {
        using var scope = VisionCuda.Memory.DisposeScope.Enter();
        var x = Tensor.FromArray(Rand(2 * 2 * 5 * 4, 200), new[] { 2, 2, 5, 4 }, be, requiresGrad: true);
        var w = Tensor.FromArray(Rand(3 * 2 * 3 * 3, 201, -0.5f, 0.5f), new[] { 3, 2, 3, 3 }, be, requiresGrad: true);
        var bias = Tensor.FromArray(Rand(3, 202), new[] { 3 }, be, requiresGrad: true);
        var gamma = Tensor.FromArray(Rand(3, 203, 0.5f, 1.5f), new[] { 3 }, be, requiresGrad: true);
        var beta = Tensor.FromArray(Rand(3, 204), new[] { 3 }, be, requiresGrad: true);
        var rm = Tensor.Zeros(new[] { 3 }, be);
        var rv = Tensor.Ones(new[] { 3 }, be);
        var fw = Tensor.FromArray(Rand(4 * 6, 205), new[] { 4, 6 }, be, requiresGrad: true);
        var y = F.Conv2d(x, w, bias, stride: 1, padding: 1);
        y = F.BatchNorm2d(y, rm, rv, gamma, beta, training: true);
        y = F.Relu(y);
        y = F.MaxPool2d(y, 2);            // [2, 3, 2, 2]
        y = F.Flatten(F.Mean(y, 3));      // [2, 6]
        var logits = F.Linear(y, fw);     // [2, 4]
        var targets = Tensor.FromArray(new[] { 1, 3 }, new[] { 2 }, be);
        var loss = F.CrossEntropy(logits, targets, labelSmoothing: 0.1f);
        loss.Backward();
        return new[] { loss.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), bias.Grad!.ToArray(), gamma.Grad!.ToArray(),
                       beta.Grad!.ToArray(), fw.Grad!.ToArray(), rm.ToArray(), rv.ToArray() };
    }
}
