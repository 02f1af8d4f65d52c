using VisionCuda.Backends;
using VisionCuda.Memory;
using VisionCuda.NN;
using VisionCuda.Optim;
using VisionCuda.Random;

namespace VisionCuda.Cuda.Tests;

/// <summary>
/// Whole training steps through autograd, nn and optim (conv, batch-norm, pooling, activations, linear, cross
/// entropy, SGD with momentum): the same model and data on cuda-emu and on cpu give the same losses within
/// conventions.md's 1e-4 relative.
/// </summary>
[Collection(EmuCollection.Name)]
public class TrainingStepTests
{
    private static Module Net() => new Sequential(
        new Conv2d(3, 8, 3, 1, 1), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, 2, 1, bias: false), new BatchNorm2d(16), new SiLU(),
        new GlobalAvgPool2d(), new Flatten(), new Linear(16, 5));

    private static float[] Losses(IBackend backend, int steps)
    {
        Module model;
        using (Init.Seeded(7)) model = Net();
        model.To(backend).Train();
        var opt = new Sgd(model.Parameters(), lr: 0.05, momentum: 0.9, weightDecay: 1e-4);
        var x = new float[4 * 3 * 12 * 12];
        Philox.FillUniform(x, Philox.Key(11), 0, -1f, 1f);
        var losses = new float[steps];
        for (int s = 0; s < steps; s++)
        {
            using var scope = DisposeScope.Enter();
            var input = Tensor.FromArray(x, [4, 3, 12, 12], backend);
            var target = Tensor.FromArray(new[] { 0, 3, 1, 4 }, [4], backend);
            var loss = F.CrossEntropy(model.Forward(input), target);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            losses[s] = loss.Item();
        }
        model.Dispose();
        return losses;
    }

    [Fact]
    public void ThreeStepsOfASmallCnnMatchCpu()
    {
        var cpu = Losses(TestBackends.Cpu, 3);
        var emu = Losses(TestBackends.Emulator, 3);
        for (int i = 0; i < cpu.Length; i++)
            Assert.True(Math.Abs(emu[i] - cpu[i]) <= 1e-4f * Math.Abs(cpu[i]),
                $"step {i}: cuda-emu loss {emu[i]:R} vs cpu {cpu[i]:R}");
    }
}
