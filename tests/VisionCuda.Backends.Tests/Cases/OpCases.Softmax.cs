using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// softmax: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddSoftmax(List<OpCase> list)
    {
        void Add(string name, Action<OpContext> run) => list.Add(new OpCase(name, ["Softmax", "SoftmaxBackward"], false, run));

        foreach (bool log in new[] { false, true })
            foreach (var (outer, dim, inner) in new (long, int, long)[] { (37, 10, 1), (5, 300, 1), (3, 7, 11) })
                Add($"softmax(log={log},{outer}x{dim}x{inner})", t =>
                {
                    long n = outer * dim * inner;
                    var x = t.Pair(t.Uniform(n, -4f, 4f));
                    var y = t.Out(n);
                    t.Device.Softmax(x.D, y.D, outer, dim, inner, log);
                    t.Cpu.Softmax(x.C, y.C, outer, dim, inner, log);
                    t.Reduction(y, "softmax");
                    var yRef = t.Pair(OpContext.Get(t.Cpu, y.C));
                    var dy = t.Pair(t.Uniform(n));
                    var dx = t.Out(n);
                    t.Device.SoftmaxBackward(yRef.D, dy.D, dx.D, outer, dim, inner, log);
                    t.Cpu.SoftmaxBackward(yRef.C, dy.C, dx.C, outer, dim, inner, log);
                    t.Reduction(dx, "softmax backward");
                });
    }
}
