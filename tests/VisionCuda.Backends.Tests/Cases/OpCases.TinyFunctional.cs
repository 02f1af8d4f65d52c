using VisionCuda.Backends.Tests.Harness;

namespace VisionCuda.Backends.Tests.Cases;

// A small network step through the functional API (conv, batch-norm, relu, max-pool, mean, linear, cross-entropy),
// forward and backward, on the device and on the Cpu backend: the loss and every parameter gradient must agree. It
// covers no member of its own (each is covered by its op case); it checks that the ops compose on every backend.
public static partial class OpCases
{
    private static void AddTinyFunctional(List<OpCase> list)
    {
        list.Add(new OpCase("tiny functional step(conv, bn, relu, maxpool, linear, cross-entropy)", [], true, t =>
        {
            if (t.IsCpuRow) return;   // Cpu vs Cpu proves nothing; the cpu row reports it skipped
            var r = FunctionalStep(t.Device);
            var c = FunctionalStep(t.Cpu);
            for (int i = 0; i < r.Length; i++) OpContext.Close(r[i], c[i], Tolerances.Reduction, $"F step output {i}: {t.Device.Name} vs cpu");
        }));
    }

    private static float[][] FunctionalStep(IBackend be)
    {
        using var scope = VisionCuda.Memory.DisposeScope.Enter();
        var x = Tensor.FromArray(Rand(2 * 2 * 5 * 4, 200), [2, 2, 5, 4], be, requiresGrad: true);
        var w = Tensor.FromArray(Rand(3 * 2 * 3 * 3, 201, -0.5f, 0.5f), [3, 2, 3, 3], be, requiresGrad: true);
        var bias = Tensor.FromArray(Rand(3, 202), [3], be, requiresGrad: true);
        var gamma = Tensor.FromArray(Rand(3, 203, 0.5f, 1.5f), [3], be, requiresGrad: true);
        var beta = Tensor.FromArray(Rand(3, 204), [3], be, requiresGrad: true);
        var rm = Tensor.Zeros([3], be);
        var rv = Tensor.Ones([3], be);
        var fw = Tensor.FromArray(Rand(4 * 6, 205), [4, 6], be, requiresGrad: true);
        var y = F.Conv2d(x, w, bias, stride: 1, padding: 1);
        y = F.BatchNorm2d(y, rm, rv, gamma, beta, training: true);
        y = F.Relu(y);
        y = F.MaxPool2d(y, 2);            // [2, 3, 2, 2]
        y = F.Flatten(F.Mean(y, 3));      // [2, 6]
        var logits = F.Linear(y, fw);     // [2, 4]
        var targets = Tensor.FromArray(new[] { 1, 3 }, [2], be);
        var loss = F.CrossEntropy(logits, targets, labelSmoothing: 0.1f);
        loss.Backward();
        return [loss.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), bias.Grad!.ToArray(), gamma.Grad!.ToArray(),
                beta.Grad!.ToArray(), fw.Grad!.ToArray(), rm.ToArray(), rv.ToArray()];
    }
}
