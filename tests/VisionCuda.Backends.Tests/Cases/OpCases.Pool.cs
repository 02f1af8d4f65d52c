using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// pooling: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddPool(List<OpCase> list)
    {
        void Add(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase(name, covers, false, run));

        var pools = new (string Name, Pool2dGeometry G)[]
        {
            ("3x3 s2 p1", new Pool2dGeometry(2, 3, 13, 11, 3, 3, 2, 2, 1, 1)),
            ("2x2 s2", new Pool2dGeometry(2, 2, 9, 10, 2, 2, 2, 2, 0, 0)),
            ("3x2 s(2,1) ceil", new Pool2dGeometry(1, 3, 10, 9, 3, 2, 2, 1, 1, 1, CeilMode: true)),
            ("3x3 s2 p1 ceil excl", new Pool2dGeometry(2, 2, 12, 9, 3, 3, 2, 2, 1, 1, CeilMode: true, CountIncludePad: false)),
        };
        foreach (var (pname, g) in pools)
        {
            Add($"maxpool({pname})", ["MaxPool2dForward", "MaxPool2dBackward"], t =>
            {
                long inCount = (long)g.N * g.C * g.H * g.W;
                var x = t.Pair(t.Uniform(inCount));
                var y = t.Out(g.OutputCount);
                var idx = t.Out(g.OutputCount, DType.Int32);
                t.Device.MaxPool2dForward(g, x.D, y.D, idx.D);
                t.Cpu.MaxPool2dForward(g, x.C, y.C, idx.C);
                t.Exact(y, "maxpool forward");
                t.Exact(idx, "maxpool indices", DType.Int32);
                var dy = t.Pair(t.Uniform(g.OutputCount));
                var dx = t.Out(inCount);
                t.Device.MaxPool2dBackward(g, dy.D, idx.D, dx.D);
                t.Cpu.MaxPool2dBackward(g, dy.C, idx.C, dx.C);
                t.Reduction(dx, "maxpool backward");
            });
            Add($"avgpool({pname})", ["AvgPool2dForward", "AvgPool2dBackward"], t =>
            {
                long inCount = (long)g.N * g.C * g.H * g.W;
                var x = t.Pair(t.Uniform(inCount));
                var y = t.Out(g.OutputCount);
                t.Device.AvgPool2dForward(g, x.D, y.D);
                t.Cpu.AvgPool2dForward(g, x.C, y.C);
                t.Reduction(y, "avgpool forward");
                var dy = t.Pair(t.Uniform(g.OutputCount));
                var dx = t.Out(inCount);
                t.Device.AvgPool2dBackward(g, dy.D, dx.D);
                t.Cpu.AvgPool2dBackward(g, dy.C, dx.C);
                t.Reduction(dx, "avgpool backward");
            });
        }
    }
}
