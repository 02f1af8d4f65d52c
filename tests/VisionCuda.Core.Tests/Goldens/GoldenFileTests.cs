using VisionCuda.TestSupport;
using Xunit.Sdk;

namespace VisionCuda.Core.Tests.Goldens;

/// <summary>The golden loader and the closeness assertion themselves (no ops involved).</summary>
public class GoldenFileTests
{
    [Fact]
    public void AllGoldensAreCopiedAndParse()
    {
        var names = GoldenFile.AllNames();
        Assert.True(names.Count >= 50, $"expected the committed goldens in {GoldenFile.DataDirectory}, found {names.Count}");
        foreach (var name in names)
        {
            var g = GoldenFile.Load(name);
            Assert.False(string.IsNullOrEmpty(g.Op));
            Assert.True(g.Has("out"), $"{name} has no out");
            Assert.True(g.Has("grad_out"), $"{name} has no grad_out");
            var (outShape, outData) = g.Float("out");
            var (gShape, gData) = g.Float("grad_out");
            Assert.Equal(outShape, gShape);
            Assert.Equal(outData.Length, gData.Length);
            Assert.Contains(g.TensorNames, n => n.StartsWith("grad_", StringComparison.Ordinal) && n != "grad_out");
        }
    }

    /// <summary>Every committed golden is exercised by some [InlineData] of a test in this namespace.</summary>
    [Fact]
    public void EveryGoldenHasATest()
    {
        var used = typeof(GoldenFileTests).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(GoldenFileTests).Namespace)
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
                .SelectMany(a => a.GetData(m)))
            .Select(args => args.Length > 0 ? args[0] as string : null)
            .Where(s => s is not null)
            .ToHashSet();
        var missing = GoldenFile.AllNames().Where(n => !used.Contains(n)).ToArray();
        Assert.True(missing.Length == 0, "goldens without a test: " + string.Join(", ", missing));
    }

    [Fact]
    public void ReadsParamsAndTensors()
    {
        var g = GoldenFile.Load("conv2d_stride2");
        Assert.Equal("conv2d", g.Op);
        Assert.Equal(2, g.Param<int>("stride"));
        Assert.False(g.Param<bool>("bias"));
        Assert.Equal(7, g.Param("missing", 7));
        var (shape, data) = g.Float("x");
        Assert.Equal(new[] { 2, 3, 7, 7 }, shape);
        Assert.Equal(2 * 3 * 7 * 7, data.Length);
        Assert.Equal(-1.0f, GoldenFile.Load("bilinear_size_odd").Param("scale", -1.0f));

        var ce = GoldenFile.Load("cross_entropy_ignore_index");
        var (tShape, targets) = ce.Int("target");
        Assert.Equal(new[] { 8 }, tShape);
        Assert.Contains(-100, targets);
        Assert.Empty(ce.Float("out").Shape);
        Assert.Throws<InvalidDataException>(() => ce.Float("target"));
        Assert.Throws<KeyNotFoundException>(() => ce.Float("nope"));
        Assert.Throws<FileNotFoundException>(() => GoldenFile.Load("no_such_case"));
    }

    [Fact]
    public void CloseReportsTheWorstIndex()
    {
        float[] e = { 1f, 2f, 3f, 4f };
        Close.AssertAllClose(e, new[] { 1f, 2.0001f, 3f, 4f }, 1e-4, 1e-5, "ok");
        var ex = Assert.Throws<XunitException>(() => Close.AssertAllClose(e, new[] { 1.1f, 2f, 3.5f, 4f }, 1e-4, 1e-5, "y"));
        Assert.Contains("2 of 4", ex.Message);
        Assert.Contains("worst at [2]", ex.Message);
        var ex2 = Assert.Throws<XunitException>(() => Close.AssertAllClose(e, new[] { 1f, 2f, 3f, 5f }, new[] { 2, 2 }, 1e-4, 1e-5, "y"));
        Assert.Contains("worst at [3] = [1,1]", ex2.Message);
        Assert.Throws<XunitException>(() => Close.AssertAllClose(e, new[] { 1f, float.NaN, 3f, 4f }, 1e-4, 1e-5, "nan"));
        Assert.Throws<XunitException>(() => Close.AssertAllClose(e, new[] { 1f }, 1e-4, 1e-5, "len"));
    }
}
