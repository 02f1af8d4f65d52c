using VisionCuda.IO;
using VisionCuda.Memory;
using VisionCuda.NN;
using VisionCuda.Optim;

namespace VisionCuda.Core.Tests.NN;

public class ModuleTests
{
    private static Sequential SmallNet() => new(
        new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(4 * 2 * 2, 3));

    [Fact]
    public void NamedParametersUseDottedNamesInRegistrationOrder()
    {
        using var net = new Sequential(new (string, Module)[] { ("features", SmallNet()), ("head", new Linear(3, 2)) });
        var names = net.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(new[]
        {
            "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
            "features.5.weight", "features.5.bias", "head.weight", "head.bias",
        }, names);
        Assert.Equal(new[] { "features.1.running_mean", "features.1.running_var" }, net.NamedBuffers().Select(b => b.Name));
        // State dict: each module's parameters, then its buffers, then its children (PyTorch order).
        Assert.Equal(new[]
        {
            "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "features.1.running_mean",
            "features.1.running_var", "features.5.weight", "features.5.bias", "head.weight", "head.bias",
        }, net.StateDict().Keys);
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
    }

    [Fact]
    public void DuplicateOrDottedNamesAreRejected()
    {
        using var s = new Sequential();
        s.RegisterModule("a", new ReLU());
        Assert.Throws<ArgumentException>(() => s.RegisterModule("a", new ReLU()));
        Assert.Throws<ArgumentException>(() => s.RegisterModule("a.b", new ReLU()));
    }

    [Fact]
    public void TrainEvalPropagates()
    {
        using var net = SmallNet();
        net.Eval();
        Assert.All(net.Modules(), m => Assert.False(m.IsTraining));
        net.Train();
        Assert.All(net.Modules(), m => Assert.True(m.IsTraining));
    }

    [Fact]
    public void ParametersSurviveDisposeScopes()
    {
        Sequential net;
        using (DisposeScope.Enter()) net = SmallNet();
        Assert.All(net.Parameters(), p => Assert.False(p.IsDisposed));
        Assert.All(net.Buffers(), p => Assert.False(p.IsDisposed));
        net.Dispose();
        Assert.All(net.Parameters(), p => Assert.True(p.IsDisposed));
    }

    [Fact]
    public void InitIsSeededAndPyTorchBounded()
    {
        Conv2d a, b, c;
        using (Init.Seeded(7)) a = new Conv2d(4, 8, 3);
        using (Init.Seeded(7)) b = new Conv2d(4, 8, 3);
        using (Init.Seeded(8)) c = new Conv2d(4, 8, 3);
        Assert.Equal(a.Weight.ToArray(), b.Weight.ToArray());
        Assert.NotEqual(a.Weight.ToArray(), c.Weight.ToArray());
        Assert.NotEqual(a.Weight.ToArray().Take(8), a.Bias!.ToArray()); // weight and bias use different streams
        double bound = 1 / Math.Sqrt(4 * 9);
        var w = a.Weight.ToArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.8 * bound && w.Min() < -0.8 * bound);
        Assert.All(a.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
        a.Dispose();
        b.Dispose();
        c.Dispose();
    }

    [Fact]
    public void StateDictRoundTripsThroughSafetensors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vc-sd-{Guid.NewGuid():N}.safetensors");
        try
        {
            Sequential a, b;
            using (Init.Seeded(1)) a = SmallNet();
            using (Init.Seeded(2)) b = SmallNet();
            a.StateDict()["1.running_mean"].CopyFrom(Tensor.FromArray(new float[] { 1, 2, 3, 4 }, new[] { 4 }));
            var meta = new Dictionary<string, string> { ["model"] = "test", ["nc"] = "3" };
            a.Save(path, meta);
            var readMeta = b.Load(path);
            Assert.Equal("test", readMeta["model"]);
            Assert.Equal("3", readMeta["nc"]);
            foreach (var (name, t) in a.StateDict())
                Assert.Equal(t.ToArray(), b.StateDict()[name].ToArray());
            // Loading copies in place: the parameter objects are unchanged and still trainable.
            Assert.All(b.Parameters(), p => Assert.True(p.RequiresGrad));

            // Same tensors -> same bytes.
            byte[] first = File.ReadAllBytes(path);
            b.Save(path, meta);
            Assert.Equal(first, File.ReadAllBytes(path));
            a.Dispose();
            b.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StrictLoadReportsMissingUnexpectedAndShapeMismatch()
    {
        using var net = SmallNet();
        var sd = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        sd.Remove("5.bias");
        sd["extra.weight"] = Tensor.Zeros(new[] { 1 });
        var e = Assert.Throws<StateDictException>(() => net.LoadStateDict(sd));
        Assert.Contains("missing keys: 5.bias", e.Message);
        Assert.Contains("unexpected keys: extra.weight", e.Message);
        Assert.Equal(new[] { "5.bias" }, e.MissingKeys);

        var res = net.LoadStateDict(sd, strict: false);
        Assert.Equal(new[] { "5.bias" }, res.MissingKeys);
        Assert.Equal(new[] { "extra.weight" }, res.UnexpectedKeys);

        var bad = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        var before = net.StateDict()["0.bias"].ToArray();
        bad["0.bias"] = Tensor.Zeros(new[] { 4 }); // fine
        bad["5.weight"] = Tensor.Zeros(new[] { 3, 15 });
        var e2 = Assert.Throws<StateDictException>(() => net.LoadStateDict(bad, strict: false));
        Assert.Contains("size mismatch for 5.weight", e2.Message);
        Assert.Contains("[3, 15]", e2.Message);
        Assert.Contains("[3, 16]", e2.Message);
        Assert.Equal(before, net.StateDict()["0.bias"].ToArray()); // nothing was modified

        // Transfer learning to another head size: mismatched entries are skipped and reported.
        var head = net.StateDict()["5.weight"].ToArray();
        var r = net.LoadStateDict(bad, strict: true, skipMismatched: true);
        Assert.Equal(new[] { "5.weight" }, r.MismatchedKeys);
        Assert.Equal(net.StateDict().Count - 1, r.Loaded);
        Assert.Equal(head, net.StateDict()["5.weight"].ToArray());
        Assert.All(net.StateDict()["0.bias"].ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void LoadErrorsNameTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vc-sd-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var other = new Sequential(new Linear(2, 2))) other.Save(path);
            using var net = SmallNet();
            var e = Assert.Throws<StateDictException>(() => net.Load(path));
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FreezeFirstFreezesTopLevelLayers()
    {
        using var net = new MiniResNet();
        var frozen = net.FreezeFirst(2);
        Assert.Equal(new[] { "conv1.weight", "bn1.weight", "bn1.bias" }, frozen);
        Assert.False(net.StateDict()["conv1.weight"].RequiresGrad);
        Assert.True(net.StateDict()["fc.weight"].RequiresGrad);
        Assert.Equal(net.ParameterCount() - 8 * 3 * 9 - 16, net.ParameterCount(trainableOnly: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.FreezeFirst(99));
        Assert.Equal($"MiniResNet summary: 11 layers, {net.ParameterCount():N0} parameters, {net.ParameterCount(true):N0} gradients", net.Summary());
        Assert.Contains("layer1", net.Describe());
    }

    [Fact]
    public void UltralyticsGroupsSplitBiasWeightBn()
    {
        using var net = new MiniResNet();
        var groups = ParamGroups.Ultralytics(net, 5e-4);
        Assert.Equal(new[] { "bias", "weight", "bn" }, groups.Select(g => g.Name));
        // biases: 5 BN biases + fc.bias; weights: 5 convs + fc.weight; bn: 5 BN weights.
        Assert.Equal(6, groups[0].Parameters.Count);
        Assert.Equal(6, groups[1].Parameters.Count);
        Assert.Equal(5, groups[2].Parameters.Count);
        Assert.Equal(net.Parameters().Count(), groups.Sum(g => g.Parameters.Count));
        using var opt = new Sgd(groups, lr: 0.01, momentum: 0.937, nesterov: true);
        Assert.Equal(0.0, opt.ParamGroups[0].WeightDecay);
        Assert.Equal(5e-4, opt.ParamGroups[1].WeightDecay);
        Assert.Equal(0.0, opt.ParamGroups[2].WeightDecay);
    }

    [Fact]
    public void ForwardBackwardStepTrainsSmallNet()
    {
        Sequential net;
        using (Init.Seeded(3)) net = SmallNet();
        using var opt = new Sgd(ParamGroups.Ultralytics(net, 5e-4), lr: 0.05, momentum: 0.9, nesterov: true);
        var x = Tensor.Uniform(new[] { 4, 3, 4, 4 }, -1, 1, 11).DetachFromScope();
        var y = Tensor.FromArray(new[] { 0, 1, 2, 1 }, new[] { 4 }).DetachFromScope();
        float first = 0, last = 0;
        for (int i = 0; i < 20; i++)
        {
            using var scope = DisposeScope.Enter();
            opt.ZeroGrad();
            var loss = F.CrossEntropy(net.Forward(x), y);
            loss.Backward();
            opt.Step();
            if (i == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first * 0.5, $"loss {first} -> {last}");
        Assert.All(net.Parameters(), p => Assert.False(p.IsDisposed));
        net.Eval();
        using (VisionCuda.Autograd.GradMode.NoGrad())
        using (DisposeScope.Enter())
            Assert.Equal(new[] { 4, 3 }, net.Forward(x).Shape);
        net.Dispose();
    }

    [Fact]
    public void DropoutIsDeterministicPerSeedAndStep()
    {
        var x = Tensor.Ones(new[] { 1, 64 });
        var d1 = new Dropout(0.5, seed: 42);
        var d2 = new Dropout(0.5, seed: 42);
        var a = d1.Forward(x).ToArray();
        Assert.Equal(a, d2.Forward(x).ToArray());
        Assert.NotEqual(a, d1.Forward(x).ToArray()); // step advanced
        d2.Step = 0;
        Assert.Equal(a, d2.Forward(x).ToArray());
        Assert.All(a, v => Assert.True(v == 0f || v == 2f));
        d1.Eval();
        Assert.Same(x, d1.Forward(x));
    }

    [Fact]
    public void ModuleToSameBackendKeepsTensors()
    {
        using var net = SmallNet();
        var before = net.Parameters().ToArray();
        net.To(net.Backend);
        Assert.Equal(before, net.Parameters().ToArray());
    }
}
