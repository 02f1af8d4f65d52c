using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// batch norm: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddNorm(List<OpCase> list)
    {
        void Add(string name, Action<OpContext> run) => list.Add(new OpCase(name, ["BatchNormTrain", "BatchNormBackward", "BatchNormEval"], false, run));

        Add("batchnorm", t =>
        {
            const int n = 3, c = 5;
            const long hw = 37;
            long total = n * c * hw;
            var x = t.Pair(t.Uniform(total, -2f, 3f));
            var gamma = t.Pair(t.Uniform(c, 0.5f, 1.5f));
            var beta = t.Pair(t.Uniform(c));
            var rm = t.Pair(t.Uniform(c));
            var rv = t.Pair(t.Uniform(c, 0.5f, 2f));
            var y = t.Out(total);
            var sm = t.Out(c);
            var si = t.Out(c);
            t.Device.BatchNormTrain(x.D, gamma.D, beta.D, y.D, sm.D, si.D, rm.D, rv.D, n, c, hw, 0.1f, 1e-5f);
            t.Cpu.BatchNormTrain(x.C, gamma.C, beta.C, y.C, sm.C, si.C, rm.C, rv.C, n, c, hw, 0.1f, 1e-5f);
            t.Reduction(y, "bn train y");
            t.Reduction(sm, "bn save mean");
            t.Reduction(si, "bn save invstd");
            t.Reduction(rm, "bn running mean");
            t.Reduction(rv, "bn running var");
            var dy = t.Pair(t.Uniform(total));
            var dx = t.Out(total);
            var dg = t.Out(c);
            var dbt = t.Out(c);
            t.Device.BatchNormBackward(x.D, dy.D, gamma.D, sm.D, si.D, dx.D, dg.D, dbt.D, n, c, hw);
            t.Cpu.BatchNormBackward(x.C, dy.C, gamma.C, sm.C, si.C, dx.C, dg.C, dbt.C, n, c, hw);
            t.Reduction(dx, "bn backward dx");
            t.Reduction(dg, "bn backward dgamma");
            t.Reduction(dbt, "bn backward dbeta");
            var ye = t.Out(total);
            t.Device.BatchNormEval(x.D, gamma.D, beta.D, ye.D, rm.D, rv.D, n, c, hw, 1e-5f);
            t.Cpu.BatchNormEval(x.C, gamma.C, beta.C, ye.C, rm.C, rv.C, n, c, hw, 1e-5f);
            t.Reduction(ye, "bn eval");
        });
    }
}
