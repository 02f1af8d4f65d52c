using System.Text.Json;
using VisionCuda.Optim;
using static VisionCuda.Core.Tests.Optim.OptimGolden;

namespace VisionCuda.Core.Tests.Optim;

/// <summary>Acceptance (issue 3): 3 steps of SGD-nesterov and AdamW match torch.optim on the same params and grads.</summary>
public class OptimizerGoldenTests
{
    private static void Run(JsonElement g, Func<Tensor, VisionCuda.Optim.Optimizer> make)
    {
        int[] shape = g.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var p = Tensor.FromArray(Floats(g.GetProperty("params0")), shape, requiresGrad: true);
        using var opt = make(p);
        var grads = g.GetProperty("grads").EnumerateArray().ToArray();
        var expected = g.GetProperty("params").EnumerateArray().ToArray();
        for (int step = 0; step < 3; step++)
        {
            opt.ZeroGrad();
            p.SetGrad(Tensor.FromArray(Floats(grads[step]), shape));
            opt.Step();
            var want = Floats(expected[step]);
            var got = p.ToArray();
            for (int i = 0; i < want.Length; i++)
                AssertClose(want[i], got[i], 1e-5, 1e-7, $"step {step + 1} element {i}");
        }
        p.Dispose();
    }

    [Fact]
    public void SgdNesterovMatchesTorch()
    {
        var g = Load("sgd_nesterov");
        var h = g.GetProperty("hyper");
        Run(g, p => new Sgd(new[] { p }, h.GetProperty("lr").GetDouble(), h.GetProperty("momentum").GetDouble(),
            h.GetProperty("weight_decay").GetDouble(), nesterov: h.GetProperty("nesterov").GetBoolean()));
    }

    [Fact]
    public void AdamWMatchesTorch()
    {
        var g = Load("adamw");
        var h = g.GetProperty("hyper");
        Run(g, p => new AdamW(new[] { p }, h.GetProperty("lr").GetDouble(), h.GetProperty("beta1").GetDouble(),
            h.GetProperty("beta2").GetDouble(), h.GetProperty("eps").GetDouble(), h.GetProperty("weight_decay").GetDouble()));
    }

    [Theory]
    [InlineData("warmup_cosine")]
    [InlineData("warmup_linear")]
    public void WarmupScheduleMatchesUltralyticsFormulas(string name)
    {
        var g = Load(name);
        int epochs = g.GetProperty("epochs").GetInt32(), nb = g.GetProperty("nb").GetInt32();
        double lrf = g.GetProperty("lrf").GetDouble();
        var lf = g.GetProperty("cosine").GetBoolean() ? LrLambdas.Cosine(epochs, lrf) : LrLambdas.Linear(epochs, lrf);
        var ps = Enumerable.Range(0, 3).Select(_ => Tensor.Zeros(new[] { 1 })).ToArray();
        using var opt = new Sgd(new[]
        {
            new ParamGroup(new[] { ps[0] }, weightDecay: 0, name: "bias"),
            new ParamGroup(new[] { ps[1] }, weightDecay: 5e-4, name: "weight"),
            new ParamGroup(new[] { ps[2] }, weightDecay: 0, name: "bn"),
        }, lr: g.GetProperty("lr0").GetDouble(), momentum: g.GetProperty("momentum").GetDouble(), nesterov: true);
        var sched = new WarmupSchedule(opt, lf, nb, g.GetProperty("warmup_epochs").GetDouble(), g.GetProperty("warmup_momentum").GetDouble(),
            g.GetProperty("warmup_bias_lr").GetDouble(), g.GetProperty("momentum").GetDouble(), g.GetProperty("nbs").GetInt32(), g.GetProperty("batch").GetInt32());
        Assert.Equal(g.GetProperty("nw").GetInt32(), sched.WarmupIterations);
        var rows = g.GetProperty("rows").EnumerateArray().ToArray();
        int r = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            sched.BeginEpoch(epoch);
            for (int i = 0; i < nb; i++, r++)
            {
                long ni = sched.BeginIteration(i);
                var row = rows[r];
                Assert.Equal(row.GetProperty("ni").GetInt64(), ni);
                Assert.Equal(row.GetProperty("accumulate").GetInt32(), sched.Accumulate);
                var lr = Doubles(row.GetProperty("lr"));
                var mom = Doubles(row.GetProperty("momentum"));
                for (int j = 0; j < 3; j++)
                {
                    AssertClose(lr[j], opt.ParamGroups[j].Lr, 1e-6, 1e-12, $"{name} ni={ni} lr/pg{j}");
                    AssertClose(mom[j], opt.ParamGroups[j].Momentum, 1e-6, 1e-12, $"{name} ni={ni} momentum/pg{j}");
                }
            }
        }
        Assert.Equal(rows.Length, r);
        foreach (var p in ps) p.Dispose();
    }
}
