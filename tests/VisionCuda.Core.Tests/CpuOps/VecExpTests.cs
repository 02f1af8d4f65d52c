using System.Runtime.Intrinsics;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Core.Tests.CpuOps;

/// <summary>The Cpu backend's vector exp/sigmoid/SiLU (Cpu/Kernels/VecExp.cs) against double-precision Math.Exp.</summary>
public class VecExpTests
{
    private static float[] Exp(float[] x)
    {
        var y = new float[x.Length];
        VecExp.Exp(x, y);
        return y;
    }

    /// <summary>Distance in units in the last place between two finite non-negative floats (their bit patterns are ordered).</summary>
    private static long Ulps(float a, float b) => Math.Abs((long)BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));

    [Fact]
    public void Exp_is_within_2_ulp_of_the_correctly_rounded_result_over_the_whole_finite_range()
    {
        // A dense sweep of [-104, 89] (normal, subnormal and zero results) plus random points, with an odd length (vector tail).
        const int n = 1_000_003;
        var x = new float[n + 20_001];
        for (int i = 0; i < n; i++) x[i] = -104f + 193f * i / (n - 1);
        var rng = new System.Random(7);
        for (int i = n; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 40 - 20);
        var y = Exp(x);
        long worst = 0;
        float worstX = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float expect = (float)Math.Exp(x[i]);
            long u = Ulps(y[i], expect);
            if (u > worst) { worst = u; worstX = x[i]; }
        }
        Assert.True(worst <= 2, $"exp: {worst} ulp at x = {worstX:R}");
    }

    [Fact]
    public void Exp_overflows_to_infinity_underflows_to_zero_and_passes_NaN()
    {
        var x = new[] { 88.72f, 88.73f, 100f, 1e30f, float.PositiveInfinity, -87.3f, -103.3f, -104f, -200f, -1e30f, float.NegativeInfinity, float.NaN, 0f, -0f, 1f };
        var y = Exp(x);
        Assert.True(Ulps(y[0], (float)Math.Exp(x[0])) <= 2, $"exp(88.72) = {y[0]:R}");
        Assert.True(float.IsFinite(y[0]));
        for (int i = 1; i <= 4; i++) Assert.Equal(float.PositiveInfinity, y[i]);
        Assert.True(Ulps(y[5], (float)Math.Exp(x[5])) <= 2, $"exp(-87.3) = {y[5]:R}");
        Assert.True(Ulps(y[6], (float)Math.Exp(x[6])) <= 2, $"exp(-103.3) = {y[6]:R} (subnormal)");
        for (int i = 7; i <= 10; i++) Assert.Equal(0f, y[i]);
        Assert.True(float.IsNaN(y[11]));
        Assert.Equal(1f, y[12]);
        Assert.Equal(1f, y[13]);
        Assert.True(Ulps(y[14], (float)Math.E) <= 1);
    }

    /// <summary>Absolute slack for x below about -88.7, where exp(-x) overflows and sigmoid is 0 instead of a subnormal (as in PyTorch's float kernel).</summary>
    private const double Tiny = 1e-30;

    [Fact]
    public void Sigmoid_silu_and_silu_gradient_match_double_formulas()
    {
        var rng = new System.Random(3);
        var xs = new float[4096];
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)(rng.NextDouble() * 60 - 30);
        xs[0] = -100f; xs[1] = 100f; xs[2] = 0f; xs[3] = -88.8f; xs[4] = float.NaN;
        var sigmoid = new SigmoidMap();
        var silu = new SiluMap();
        var grad = new SiluGrad();
        for (int i = 0; i < xs.Length; i += 8)
        {
            var vx = Vector256.Create(xs, i);
            var vdy = Vector256.Create(0.75f);
            var s = sigmoid.Apply(vx);
            var y = silu.Apply(vx);
            var g = grad.Apply(vx, Vector256<float>.Zero, vdy);
            for (int t = 0; t < 8; t++)
            {
                double x = xs[i + t];
                if (double.IsNaN(x))
                {
                    Assert.True(float.IsNaN(s[t]) && float.IsNaN(y[t]) && float.IsNaN(g[t]));
                    continue;
                }
                double es = 1.0 / (1.0 + Math.Exp(-x));
                double ey = x * es;
                double eg = 0.75 * es * (1 + x * (1 - es));
                Assert.True(Math.Abs(s[t] - es) <= 1e-6 * es + Tiny, $"sigmoid({x}) = {s[t]}, expected {es}");
                Assert.True(Math.Abs(y[t] - ey) <= 1e-6 * Math.Abs(ey) + Tiny, $"silu({x}) = {y[t]}, expected {ey}");
                Assert.True(Math.Abs(g[t] - eg) <= 2e-6 * Math.Abs(eg) + 1e-6 * Math.Abs(0.75 * es * x * (1 - es)) + Tiny,
                    $"silu'({x}) = {g[t]}, expected {eg}");
            }
        }
    }
}
