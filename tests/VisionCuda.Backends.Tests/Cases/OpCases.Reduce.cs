using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// reductions: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddReduce(List<OpCase> list)
    {
        void Add(string name, Action<OpContext> run) => list.Add(new OpCase(name, ["Reduce", "ReduceBackward"], false, run));

        foreach (var op in Enum.GetValues<ReduceOp>())
            foreach (var (outer, dim, inner) in new (long, int, long)[] { (7, 300, 1), (3, 37, 5), (1, 1000, 1), (2, 1, 9), (1, 70001, 1) })
            {
                if (op == ReduceOp.Max && dim > 10000) continue;
                Add($"reduce({op},{outer}x{dim}x{inner})", t =>
                {
                    long n = outer * dim * inner, m = outer * inner;
                    var x = t.Pair(t.Uniform(n));
                    var y = t.Out(m);
                    var idx = t.Out(m, DType.Int32);
                    bool max = op == ReduceOp.Max;
                    t.Device.Reduce(op, x.D, y.D, outer, dim, inner, max ? idx.D : null);
                    t.Cpu.Reduce(op, x.C, y.C, outer, dim, inner, max ? idx.C : null);
                    t.Reduction(y, $"reduce {op}");
                    if (max) t.Exact(idx, "argmax", DType.Int32);
                    var dy = t.Pair(t.Uniform(m));
                    var dx = t.Out(n);
                    t.Device.ReduceBackward(op, dy.D, dx.D, outer, dim, inner, max ? idx.D : null);
                    t.Cpu.ReduceBackward(op, dy.C, dx.C, outer, dim, inner, max ? idx.C : null);
                    t.Elementwise(dx, $"reduce backward {op}");
                });
            }
    }
}
