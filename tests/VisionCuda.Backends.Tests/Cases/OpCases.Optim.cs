using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// randomness, optimizers: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddOptim(List<OpCase> list)
    {
        void Add(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase(name, covers, false, run));

        Add("dropout_mask", ["DropoutMask"], t =>
        {
            var m = t.Out(2053);
            t.Device.DropoutMask(m.D, 2053, 0.3f, 42, 1000);
            t.Cpu.DropoutMask(m.C, 2053, 0.3f, 42, 1000);
            t.Exact(m, "dropout mask");
        });
        foreach (var (mom, nest, first) in new[] { (0.9f, false, true), (0.9f, false, false), (0.9f, true, false), (0f, false, false) })
            Add($"sgd(momentum={mom},nesterov={nest},first={first})", ["SgdStep"], t =>
            {
                const long n = 1037;
                var p = t.Pair(t.Uniform(n));
                var g = t.Pair(t.Uniform(n));
                var b = t.Pair(t.Uniform(n));
                t.Device.SgdStep(p.D, g.D, b.D, n, 0.05f, mom, 1e-4f, nest, first);
                t.Cpu.SgdStep(p.C, g.C, b.C, n, 0.05f, mom, 1e-4f, nest, first);
                t.Elementwise(p, "sgd param");
                if (mom != 0f) t.Elementwise(b, "sgd momentum buffer");
            });
        foreach (bool decoupled in new[] { true, false })
            Add($"adam(decoupled={decoupled})", ["AdamStep"], t =>
            {
                const long n = 1037;
                var p = t.Pair(t.Uniform(n));
                var g = t.Pair(t.Uniform(n));
                var m = t.Pair(t.Uniform(n, -0.1f, 0.1f));
                var v = t.Pair(t.Uniform(n, 0f, 0.01f));
                t.Device.AdamStep(p.D, g.D, m.D, v.D, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
                t.Cpu.AdamStep(p.C, g.C, m.C, v.C, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
                t.Elementwise(p, "adam param");
                t.Elementwise(m, "adam m");
                t.Elementwise(v, "adam v");
            });
        Add("ema", ["EmaUpdate"], t =>
        {
            var e = t.Pair(t.Uniform(1037));
            var p = t.Pair(t.Uniform(1037));
            t.Device.EmaUpdate(e.D, p.D, 1037, 0.9998f);
            t.Cpu.EmaUpdate(e.C, p.C, 1037, 0.9998f);
            t.Elementwise(e, "ema");
        });
    }
}
