// These tests need a reference to src/VisionCuda.Models, which VisionCuda.Core.Tests.csproj does not have yet.
// To enable them, add to that csproj:
//   <ProjectReference Include="../../src/VisionCuda.Models/VisionCuda.Models.csproj" />
//   <DefineConstants>$(DefineConstants);VISIONCUDA_MODELS_TESTS</DefineConstants>
#if VISIONCUDA_MODELS_TESTS
using VisionCuda.IO;
using VisionCuda.Memory;
using VisionCuda.Models;
using VisionCuda.NN;
using VisionCuda.Optim;
using Xunit.Abstractions;

namespace VisionCuda.Core.Tests.NN;

public class ModelZooTests
{
    private readonly ITestOutputHelper _out;

    public ModelZooTests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData("resnet18", 1000, 3, 1.0, false, 11_689_512L)] // torchvision.models.resnet18()
    [InlineData("mobilenet", 1000, 3, 1.0, false, 3_504_872L)] // torchvision.models.mobilenet_v2()
    [InlineData("cnn", 10, 1, 1.0, false, 94_186L)]
    [InlineData("cnn", 10, 3, 1.0, false, 94_762L)]
    [InlineData("resnet18", 10, 3, 0.5, true, 2_797_610L)]
    [InlineData("mobilenet", 10, 3, 0.5, true, 700_490L)]
    public void ParameterCounts(string name, int nc, int inC, double width, bool small, long expected)
    {
        using var m = ModelFactory.Create(name, nc, inC, new ModelOptions { Width = width, SmallInput = small });
        _out.WriteLine($"{name} nc={nc} in={inC} width={width} small={small}: {m.ParameterCount():N0} parameters in {m.Parameters().Count()} tensors");
        Assert.Equal(expected, m.ParameterCount());
    }

    [Fact]
    public void ResNet18UsesTorchvisionNamesAndUltralyticsGroups()
    {
        using var m = ModelFactory.Create("resnet18", 10, 3);
        var keys = m.StateDict().Keys.ToList();
        Assert.Contains("layer2.0.downsample.0.weight", keys);
        Assert.Contains("layer4.1.bn2.running_var", keys);
        Assert.Equal("fc.bias", keys[^1]);
        var groups = ParamGroups.Ultralytics(m, 5e-4);
        // 20 BN layers (bias + weight each), 20 convs + fc weight, fc bias.
        Assert.Equal(new[] { 21, 21, 20 }, groups.Select(g => g.Parameters.Count));
        Assert.Equal(62, m.Parameters().Count());
    }

    [Fact]
    public void FreezeCountsLayers()
    {
        using var r = ModelFactory.Create("resnet18", 10, 3);
        r.FreezeFirst(5); // conv1, bn1, relu, maxpool, layer1
        Assert.False(r.StateDict()["layer1.1.conv2.weight"].RequiresGrad);
        Assert.True(r.StateDict()["layer2.0.conv1.weight"].RequiresGrad);
        using var mb = ModelFactory.Create("mobilenet", 10, 3);
        Assert.Equal(20, mb.FreezableLayers().Count); // features.0..18, classifier
        mb.FreezeFirst(2);
        Assert.False(mb.StateDict()["features.1.conv.0.0.weight"].RequiresGrad);
        Assert.True(mb.StateDict()["features.2.conv.0.0.weight"].RequiresGrad);
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("resnet18")]
    [InlineData("mobilenet")]
    public void BackboneAndHeadPartitionTheParameters(string name)
    {
        using var m = ModelFactory.Create(name, 5, 3);
        var c = Assert.IsAssignableFrom<IClassifier>(m);
        Assert.Equal(5, c.Head.OutFeatures);
        Assert.Equal(m.ParameterCount(), c.BackboneParameters().Sum(p => p.Numel) + c.Head.ParameterCount());
        using var opt = new Sgd(new[] { new ParamGroup(c.BackboneParameters(), lr: 1e-4), new ParamGroup(c.Head.Parameters()) }, lr: 1e-2);
        Assert.Equal(1e-4, opt.ParamGroups[0].Lr);
        Assert.Equal(1e-2, opt.ParamGroups[1].Lr);
    }

    [Fact]
    public void UnknownModelListsKnownNames()
    {
        var e = Assert.Throws<UnknownModelException>(() => ModelFactory.Create("vgg16", 10));
        Assert.Contains("'vgg16'", e.Message);
        Assert.Contains("cnn, resnet18, mobilenet", e.Message);
    }

    [Fact]
    public void SameSeedSameWeightsAndSpecRoundTrip()
    {
        var opts = new ModelOptions { Width = 0.25, ImageSize = 32, Seed = 5 };
        using var a = ModelFactory.Create("resnet18", 4, 3, opts);
        using var b = ModelFactory.Create("resnet18", 4, 3, opts);
        Assert.Equal(a.StateDict()["conv1.weight"].ToArray(), b.StateDict()["conv1.weight"].ToArray());
        var spec = ModelFactory.Spec("resnet18", 4, 3, opts);
        Assert.True(spec.SmallInput);
        Assert.Equal(spec, ModelSpec.FromMetadata(spec.ToMetadata()));
        string path = Path.Combine(Path.GetTempPath(), $"vc-zoo-{Guid.NewGuid():N}.safetensors");
        try
        {
            a.Save(path, spec.ToMetadata());
            using var c = ModelFactory.Create(ModelSpec.FromMetadata(SafeTensors.ReadMetadata(path)), seed: 99);
            c.Load(path);
            Assert.Equal(a.StateDict()["fc.weight"].ToArray(), c.StateDict()["fc.weight"].ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("cnn", 1, 28, 0.5)]
    [InlineData("resnet18", 3, 32, 0.25)]
    [InlineData("mobilenet", 3, 32, 0.35)]
    public void ForwardShapesAndOneTrainingStep(string name, int inC, int size, double width)
    {
        using var m = ModelFactory.Create(name, 7, inC, new ModelOptions { Width = width, ImageSize = size });
        using var opt = new Sgd(ParamGroups.Ultralytics(m, 5e-4), 0.01, 0.9, nesterov: true);
        using var scope = DisposeScope.Enter();
        var x = Tensor.Uniform(new[] { 2, inC, size, size }, -1, 1, 3);
        var loss = F.CrossEntropy(m.Forward(x), Tensor.FromArray(new[] { 1, 6 }, new[] { 2 }));
        loss.Backward();
        opt.Step();
        Assert.True(float.IsFinite(loss.Item()));
        m.Eval();
        Assert.Equal(new[] { 2, 7 }, m.Forward(x).Shape);
    }
}
#endif
