using VisionCuda.TestSupport;
using static VisionCuda.TestSupport.GradCheck;

namespace VisionCuda.Core.Tests.Gradients;

public class ReductionAndShapeGradientTests
{
    private static readonly int[] S = { 2, 3, 4, 5 };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(-2)]
    public void SumMeanMaxOverEachDim(int dim)
    {
        var x = Rand(S, 20);
        Check(t => F.Sum(t[0], dim), new[] { x }, name: $"sum dim {dim}");
        Check(t => F.Mean(t[0], dim, keepDim: true), new[] { x }, name: $"mean dim {dim}");
        Check(t => F.Max(t[0], dim).values, new[] { DistinctRand(S, 25) }, name: $"max dim {dim}");
    }

    [Fact]
    public void FullReductionsAndMultiDimSum()
    {
        var x = Rand(S, 21);
        Check(t => F.Sum(t[0]), new[] { x }, name: "sum all");
        Check(t => F.Mean(t[0]), new[] { x }, name: "mean all");
        Check(t => F.Sum(t[0], new[] { 0, 2, 3 }), new[] { x }, name: "sum dims 0,2,3");
    }

    [Fact]
    public void ConcatSplitNarrowReshapePermute()
    {
        var a = Rand(new[] { 2, 3, 4, 5 }, 22);
        var b = Rand(new[] { 2, 2, 4, 5 }, 23);
        Check(t => F.Concat(new[] { t[0], t[1] }, 1), new[] { a, b }, name: "concat channels");
        Check(t => F.Split(t[0], new[] { 1, 2 }, 1)[1], new[] { a }, name: "split channels");
        Check(t => F.Narrow(t[0], 1, 1, 2), new[] { a }, name: "slice channels");
        Check(t => F.Narrow(t[0], 3, 2, 3), new[] { a }, name: "slice last dim");
        Check(t => F.Reshape(t[0], 6, -1) * t[0].Reshape(6, 20), new[] { a }, name: "reshape");
        Check(t => F.Permute(t[0], 0, 2, 3, 1), new[] { a }, name: "permute");
        var c = Rand(new[] { 2, 3, 4, 5 }, 24);
        Check(t => F.Concat(new[] { t[0], t[1] }, 0), new[] { a, c }, name: "concat batch");
    }
}
