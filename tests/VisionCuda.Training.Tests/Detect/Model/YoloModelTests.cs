using VisionCuda.Autograd;
using VisionCuda.Models.Yolo;
using Xunit.Abstractions;

namespace VisionCuda.Training.Tests.Detect.Model;

// Parameter counts and GFLOPs against Ultralytics' published figures; shapes of the raw and decoded outputs;
// YAML errors with file and line.
public sealed class YoloModelTests
{
    private readonly ITestOutputHelper _out;

    public YoloModelTests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData("yolov8n.yaml", 3_157_200L, 8.7)]
    [InlineData("yolov8s.yaml", 11_166_560L, 28.6)]
    public void ParameterCountAndGFlopsMatchUltralytics(string name, long parameters, double gflops)
    {
        using var model = YoloModel.FromYaml(name, nc: 80);
        _out.WriteLine(model.Summary(640));
        _out.WriteLine($"GFLOPs {model.GFlops(640):F4}");
        Assert.Equal(parameters, model.ParameterCount());
        Assert.Equal(parameters - 16, model.ParameterCount(trainableOnly: true));
        Assert.InRange(model.GFlops(640), gflops - 0.1, gflops + 0.1);
        Assert.Equal(new[] { 8, 16, 32 }, model.Strides);
    }

    [Fact]
    public void StateDictKeysFollowUltralytics()
    {
        using var model = YoloModel.FromYaml("yolov8n.yaml", nc: 3);
        var keys = model.StateDict().Keys.ToHashSet();
        Assert.Contains("model.0.conv.weight", keys);
        Assert.Contains("model.0.bn.running_var", keys);
        Assert.Contains("model.2.m.0.cv1.conv.weight", keys);
        Assert.Contains("model.9.cv2.bn.bias", keys);
        Assert.Contains("model.22.cv2.0.2.bias", keys);
        Assert.Contains("model.22.cv3.2.2.weight", keys);
        Assert.Contains("model.22.dfl.conv.weight", keys);
        Assert.Equal(23, model.FreezableLayers().Count);
    }

    [Fact]
    public void ForwardShapesAndDecode()
    {
        using var model = YoloModel.FromYaml("yolov8n.yaml", nc: 3);
        model.Eval();
        using var scope = VisionCuda.Memory.DisposeScope.Enter();
        using var _ = GradMode.NoGrad();
        var x = Tensor.Uniform(new[] { 2, 3, 64, 96 }, 0f, 1f, 7);
        var levels = model.ForwardLevels(x);
        Assert.Equal(3, levels.Count);
        Assert.Equal(new[] { 2, 67, 8, 12 }, levels[0].Shape);
        Assert.Equal(new[] { 2, 67, 4, 6 }, levels[1].Shape);
        Assert.Equal(new[] { 2, 67, 2, 3 }, levels[2].Shape);
        var y = model.Decode(levels);
        int a = 8 * 12 + 4 * 6 + 2 * 3;
        Assert.Equal(new[] { 2, 7, a }, y.Shape);

        // Reference decode of one anchor on the host: anchor 13 of level 0 is (x=1, y=1) -> centre (1.5, 1.5) * 8.
        var raw = levels[0].ToArray();
        var dec = y.ToArray();
        int hw = 8 * 12, anchor = 1 * 12 + 1;
        var d = new double[4];
        for (int side = 0; side < 4; side++)
        {
            var logits = Enumerable.Range(0, 16).Select(bin => (double)raw[(0 * 67 + side * 16 + bin) * hw + anchor]).ToArray();
            double m = logits.Max(), z = logits.Sum(v => Math.Exp(v - m));
            d[side] = logits.Select((v, bin) => bin * Math.Exp(v - m) / z).Sum();
        }
        double cx = (1.5 + (d[2] - d[0]) / 2) * 8, cy = (1.5 + (d[3] - d[1]) / 2) * 8, w = (d[0] + d[2]) * 8, h = (d[1] + d[3]) * 8;
        double s0 = 1 / (1 + Math.Exp(-raw[(64) * hw + anchor]));
        var expected = new[] { cx, cy, w, h, s0 };
        for (int r = 0; r < 5; r++)
            Assert.Equal(expected[r], dec[r * a + anchor], 3);
    }

    [Fact]
    public void YamlErrorsNameFileAndLine()
    {
        var text = YoloConfig.ReadBuiltin("yolov8n.yaml").Replace("[-1, 1, SPPF, [1024, 5]]", "[-1, 1, SPPX, [1024, 5]]");
        var cfg = YoloConfig.Parse(text, "bad.yaml");
        var line = text.Split('\n').Select((l, i) => (l, i)).First(p => p.l.Contains("SPPX")).i + 1;
        var e = Assert.Throws<YoloConfigException>(() => YoloModel.FromConfig(cfg, 3));
        Assert.StartsWith($"bad.yaml:{line}:", e.Message);
        Assert.Contains("SPPX", e.Message);

        var e2 = Assert.Throws<YoloConfigException>(() => YoloConfig.Parse("nc: 3\nbackbone:\n  - [-1, 1, Conv]\nhead: []\n", "short.yaml"));
        Assert.StartsWith("short.yaml:3:", e2.Message);
        var e3 = Assert.Throws<YoloConfigException>(() => YoloConfig.Parse("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]\n", "syntax.yaml"));
        Assert.StartsWith("syntax.yaml:", e3.Message);
    }
}
