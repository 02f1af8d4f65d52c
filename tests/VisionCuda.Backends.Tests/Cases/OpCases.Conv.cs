using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// convolution: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddConv(List<OpCase> list)
    {
        void Add(string name, Action<OpContext> run) => list.Add(new OpCase(name, ["Conv2dForward", "Conv2dBackwardData", "Conv2dBackwardWeight"], false, run));

        var geoms = new (string Name, Conv2dGeometry G)[]
        {
            ("3x3 pad1", new Conv2dGeometry(2, 3, 11, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
            ("3x3 s2 dil2", new Conv2dGeometry(3, 4, 13, 12, 6, 3, 3, 2, 2, 1, 0, 2, 2, 1)),
            ("5x3 s(2,1)", new Conv2dGeometry(2, 2, 10, 11, 3, 5, 3, 2, 1, 2, 1, 1, 1, 1)),
            ("1x1", new Conv2dGeometry(3, 7, 6, 5, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1)),
            ("grouped 3", new Conv2dGeometry(2, 6, 9, 8, 9, 3, 3, 1, 1, 1, 1, 1, 1, 3)),
            ("depthwise s2", new Conv2dGeometry(2, 5, 11, 10, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5)),
        };
        foreach (var (gname, g) in geoms)
            foreach (bool cublas in new[] { true, false })
            {
                if (!cublas && g.Groups != 1) continue;
                Add($"conv2d({gname},cublas={cublas})", t =>
                {
                    SetCublas(t, cublas);
                    var x = t.Pair(t.Uniform(g.InputCount));
                    var w = t.Pair(t.Uniform(g.WeightCount));
                    var bias = t.Pair(t.Uniform(g.K));
                    var y = t.Out(g.OutputCount);
                    t.Device.Conv2dForward(g, x.D, w.D, bias.D, y.D);
                    t.Cpu.Conv2dForward(g, x.C, w.C, bias.C, y.C);
                    t.Reduction(y, "conv2d forward");
                    var y2 = t.Out(g.OutputCount);
                    t.Device.Conv2dForward(g, x.D, w.D, null, y2.D);
                    t.Cpu.Conv2dForward(g, x.C, w.C, null, y2.C);
                    t.Reduction(y2, "conv2d forward (no bias)");
                    var dy = t.Pair(t.Uniform(g.OutputCount));
                    var dx = t.Out(g.InputCount);
                    t.Device.Conv2dBackwardData(g, dy.D, w.D, dx.D);
                    t.Cpu.Conv2dBackwardData(g, dy.C, w.C, dx.C);
                    t.Reduction(dx, "conv2d backward data");
                    var dw = t.Out(g.WeightCount);
                    var db = t.Out(g.K);
                    t.Device.Conv2dBackwardWeight(g, x.D, dy.D, dw.D, db.D);
                    t.Cpu.Conv2dBackwardWeight(g, x.C, dy.C, dw.C, db.C);
                    t.Reduction(dw, "conv2d backward weight");
                    t.Reduction(db, "conv2d backward bias");
                    SetCublas(t, true);
                });
            }
        Add("conv2d(chunked im2col)", t =>
        {
            // a workspace of one image forces several chunks (and the dy transpose of backward-weight with nb > 1)
            var g = new Conv2dGeometry(5, 3, 9, 10, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            if (t.Device is CudaBackend cb) cb.ConvWorkspaceBytes = 2L * 3 * 9 * 90 * 4 + 8;
            try
            {
                var x = t.Pair(t.Uniform(g.InputCount));
                var w = t.Pair(t.Uniform(g.WeightCount));
                var y = t.Out(g.OutputCount);
                t.Device.Conv2dForward(g, x.D, w.D, null, y.D);
                t.Cpu.Conv2dForward(g, x.C, w.C, null, y.C);
                t.Reduction(y, "chunked forward");
                var dy = t.Pair(t.Uniform(g.OutputCount));
                var dx = t.Out(g.InputCount);
                t.Device.Conv2dBackwardData(g, dy.D, w.D, dx.D);
                t.Cpu.Conv2dBackwardData(g, dy.C, w.C, dx.C);
                t.Reduction(dx, "chunked backward data");
                var dw = t.Out(g.WeightCount);
                t.Device.Conv2dBackwardWeight(g, x.D, dy.D, dw.D, null);
                t.Cpu.Conv2dBackwardWeight(g, x.C, dy.C, dw.C, null);
                t.Reduction(dw, "chunked backward weight");
            }
            finally
            {
                if (t.Device is CudaBackend cb2) cb2.ConvWorkspaceBytes = 256L << 20;
            }
        });
    }
}
