using VisionCuda.NN;
using VisionCuda.Optim;

namespace VisionCuda.Core.Tests.Optim;

public class TrainingHelperTests
{
    [Fact]
    public void ClipGradNormScalesToMaxNormAndReturnsTotal()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3 }, new[] { 3 }, requiresGrad: true);
        var b = Tensor.FromArray(new float[] { 0, 0, 0, 0 }, new[] { 2, 2 }, requiresGrad: true);
        var c = Tensor.FromArray(new float[] { 5 }, new[] { 1 }, requiresGrad: true); // no grad: skipped
        a.SetGrad(Tensor.FromArray(new float[] { -3, 0, 4 }, new[] { 3 }));
        b.SetGrad(Tensor.FromArray(new float[] { 0, 12, 0, 0 }, new[] { 2, 2 }));
        double norm = GradClip.ClipGradNorm(new[] { a, b, c }, 6.5);
        Assert.Equal(13.0, norm, 5);
        double coef = 6.5 / (13.0 + 1e-6);
        var ga = a.Grad!.ToArray();
        var gb = b.Grad!.ToArray();
        Assert.Equal(-3 * coef, ga[0], 5);
        Assert.Equal(4 * coef, ga[2], 5);
        Assert.Equal(12 * coef, gb[1], 5);
        Assert.Null(c.Grad);

        // Below the limit nothing changes.
        double norm2 = GradClip.ClipGradNorm(new[] { a, b }, 100);
        Assert.Equal(6.5, norm2, 4);
        Assert.Equal(ga, a.Grad!.ToArray());
        a.Dispose();
        b.Dispose();
        c.Dispose();
    }

    private sealed class Tiny : Module
    {
        public Tiny(float w, float rm)
        {
            RegisterParameter("w", Tensor.Full(new[] { 2 }, w));
            RegisterBuffer("running_mean", Tensor.Full(new[] { 2 }, rm));
            RegisterBuffer("count", Tensor.FromArray(new[] { 7 }, new[] { 1 }));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void EmaFollowsUltralyticsDecay()
    {
        using var model = new Tiny(1f, 0f);
        using var emaModel = new Tiny(-5f, -5f);
        var ema = new ModelEma(model, emaModel, decay: 0.9999, tau: 2000);
        Assert.Equal(1f, emaModel.StateDict()["w"].ToArray()[0]); // starts as a copy
        Assert.False(emaModel.IsTraining);
        Assert.All(emaModel.Parameters(), p => Assert.False(p.RequiresGrad));

        double e = 1.0, rm = 0.0;
        for (int u = 1; u <= 3; u++)
        {
            model.StateDict()["w"].CopyFrom(Tensor.Full(new[] { 2 }, 1f + u));
            model.StateDict()["running_mean"].CopyFrom(Tensor.Full(new[] { 2 }, 10f * u));
            ema.Update(model);
            double d = 0.9999 * (1 - Math.Exp(-u / 2000.0));
            e = d * e + (1 - d) * (1 + u);
            rm = d * rm + (1 - d) * 10 * u;
            Assert.Equal(d, ema.DecayAt(u), 15);
            Assert.Equal(e, emaModel.StateDict()["w"].ToArray()[0], 4);
            Assert.Equal(rm, emaModel.StateDict()["running_mean"].ToArray()[1], 4);
        }
        Assert.Equal(3, ema.Updates);
        Assert.Equal(7, emaModel.StateDict()["count"].ToIntArray()[0]);
    }

    [Fact]
    public void EmaCanCopyBuffersInstead()
    {
        using var model = new Tiny(1f, 3f);
        using var emaModel = new Tiny(0f, 0f);
        var ema = new ModelEma(model, emaModel, copyBuffers: true);
        model.StateDict()["running_mean"].CopyFrom(Tensor.Full(new[] { 2 }, 9f));
        ema.Update(model);
        Assert.Equal(9f, emaModel.StateDict()["running_mean"].ToArray()[0]);
    }

    [Fact]
    public void SgdStateRoundTripResumesExactly()
    {
        float[] p0 = { 0.5f, -0.25f, 1f, 2f };
        float[][] grads = { new[] { 0.1f, 0.2f, -0.3f, 0.4f }, new[] { -0.2f, 0.1f, 0.05f, 0f }, new[] { 0.3f, -0.1f, 0.2f, -0.4f } };

        Tensor Param() => Tensor.FromArray((float[])p0.Clone(), new[] { 4 }, requiresGrad: true);
        void StepWith(VisionCuda.Optim.Optimizer o, Tensor p, float[] g)
        {
            o.ZeroGrad();
            p.SetGrad(Tensor.FromArray(g, new[] { 4 }));
            o.Step();
        }

        foreach (var make in new Func<Tensor, VisionCuda.Optim.Optimizer>[]
                 {
                     p => new Sgd(new[] { p }, 0.1, 0.9, 1e-3, nesterov: true),
                     p => new AdamW(new[] { p }, 0.01),
                 })
        {
            var a = Param();
            using var oa = make(a);
            foreach (var g in grads) StepWith(oa, a, g);

            var b = Param();
            using var ob = make(b);
            StepWith(ob, b, grads[0]);
            StepWith(ob, b, grads[1]);
            string path = Path.Combine(Path.GetTempPath(), $"vc-opt-{Guid.NewGuid():N}.safetensors");
            ob.ParamGroups[0].Lr = ob.ParamGroups[0].Lr; // hyper-parameters travel in metadata
            ob.Save(path);
            var c = Tensor.FromArray(b.ToArray(), new[] { 4 }, requiresGrad: true);
            using var oc = make(c);
            oc.Load(path);
            File.Delete(path);
            StepWith(oc, c, grads[2]);
            Assert.Equal(a.ToArray(), c.ToArray()); // bitwise
            a.Dispose();
            b.Dispose();
            c.Dispose();
        }
    }

    [Fact]
    public void OptimizerSkipsParametersWithoutGrad()
    {
        var p = Tensor.FromArray(new float[] { 1, 2 }, new[] { 2 }, requiresGrad: true);
        using var o = new Sgd(new[] { p }, 0.1, 0.9);
        o.Step();
        Assert.Equal(new float[] { 1, 2 }, p.ToArray());
        Assert.Empty(o.StateDict());
        p.Dispose();
    }

    [Fact]
    public void ParamGroupsRejectDuplicatesAndTakeDefaults()
    {
        var p = Tensor.Zeros(new[] { 1 });
        var q = Tensor.Zeros(new[] { 1 });
        using var o = new Sgd(new[] { new ParamGroup(new[] { p }, lr: 1e-4, name: "backbone"), new ParamGroup(new[] { q }) }, lr: 0.01, momentum: 0.9, weightDecay: 5e-4);
        Assert.Equal(1e-4, o.ParamGroups[0].Lr);
        Assert.Equal(1e-4, o.ParamGroups[0].InitialLr);
        Assert.Equal(0.01, o.ParamGroups[1].Lr);
        Assert.Equal(5e-4, o.ParamGroups[1].WeightDecay);
        Assert.Throws<ArgumentException>(() => o.AddParamGroup(new ParamGroup(new[] { p })));
        p.Dispose();
        q.Dispose();
    }
}
