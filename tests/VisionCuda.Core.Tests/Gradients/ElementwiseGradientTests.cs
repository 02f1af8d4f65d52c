using VisionCuda.TestSupport;
using static VisionCuda.TestSupport.GradCheck;

namespace VisionCuda.Core.Tests.Gradients;

/// <summary>Finite-difference checks of every elementwise op and activation (tolerances: see <see cref="GradCheck"/>).</summary>
public class ElementwiseGradientTests
{
    private static readonly int[] S = { 2, 3, 5 };

    [Theory]
    [InlineData("exp")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("silu")]
    [InlineData("neg")]
    [InlineData("affine")]
    public void SmoothUnaryOps(string op)
    {
        Func<Tensor, Tensor> f = op switch
        {
            "exp" => F.Exp,
            "tanh" => F.Tanh,
            "sigmoid" => F.Sigmoid,
            "silu" => F.Silu,
            "neg" => F.Neg,
            _ => x => F.Affine(x, 1.7f, -0.3f),
        };
        Check(t => f(t[0]), new[] { Rand(S, 1, -2f, 2f) }, name: op);
    }

    [Fact]
    public void LogSqrtReciprocalAndPowOnPositiveInputs()
    {
        var x = Rand(S, 2, 0.5f, 2f);
        Check(t => F.Log(t[0]), new[] { x }, name: "log");
        Check(t => F.Sqrt(t[0]), new[] { x }, name: "sqrt");
        Check(t => F.Reciprocal(t[0]), new[] { x }, name: "reciprocal");
        Check(t => F.Pow(t[0], 2.5f), new[] { x }, name: "pow");
        Check(t => F.Pow(t[0], -1.5f), new[] { x }, name: "pow negative exponent");
    }

    [Fact]
    public void KinkedActivationsAwayFromTheirKinks()
    {
        var x = RandAwayFromZero(S, 3, 0.05f);
        Check(t => F.Relu(t[0]), new[] { x }, name: "relu");
        Check(t => F.LeakyRelu(t[0], 0.1f), new[] { x }, name: "leaky_relu");
        Check(t => F.Abs(t[0]), new[] { x }, name: "abs");
        // hardswish kinks at -3 and 3: scale inputs into (-6, 6) while avoiding +-3 by more than the step.
        var hs = Rand(S, 4, -5.5f, 5.5f);
        for (int i = 0; i < hs.Data.Length; i++) if (MathF.Abs(MathF.Abs(hs.Data[i]) - 3f) < 0.05f) hs.Data[i] += 0.2f;
        Check(t => F.Hardswish(t[0]), new[] { hs }, name: "hardswish");
        var c = Rand(S, 5, -2f, 2f);
        for (int i = 0; i < c.Data.Length; i++) if (MathF.Abs(MathF.Abs(c.Data[i]) - 1f) < 0.05f) c.Data[i] += 0.2f;
        Check(t => F.Clamp(t[0], -1f, 1f), new[] { c }, name: "clamp");
    }

    [Theory]
    [InlineData("add")]
    [InlineData("sub")]
    [InlineData("mul")]
    [InlineData("div")]
    public void BinaryOpsWithBroadcasting(string op)
    {
        Func<Tensor, Tensor, Tensor> f = op switch
        {
            "add" => F.Add,
            "sub" => F.Sub,
            "mul" => F.Mul,
            _ => F.Div,
        };
        var a = Rand(new[] { 2, 3, 4, 5 }, 6);
        var b = Rand(new[] { 3, 1, 1 }, 7, 0.5f, 1.5f);      // per-channel broadcast
        var c = Rand(new[] { 2, 3, 4, 5 }, 8, 0.5f, 1.5f);   // same shape
        var s = Rand(new[] { 1 }, 9, 0.5f, 1.5f);             // scalar-like
        Check(t => f(t[0], t[1]), new[] { a, b }, name: op + " channel broadcast");
        Check(t => f(t[0], t[1]), new[] { a, c }, name: op + " same shape");
        Check(t => f(t[0], t[1]), new[] { a, s }, name: op + " scalar broadcast");
        Check(t => f(t[1], t[0]), new[] { c, b }, name: op + " broadcast on the left");
    }

    [Fact]
    public void MaximumAndMinimumRouteTheGradientToTheChosenOperand()
    {
        var a = Rand(S, 10);
        var b = Rand(S, 11);
        Check(t => F.Maximum(t[0], t[1]), new[] { a, b }, name: "maximum");
        Check(t => F.Minimum(t[0], t[1]), new[] { a, b }, name: "minimum");
    }

    [Fact]
    public void ScalarArithmeticOperators()
    {
        var x = Rand(S, 12, 0.5f, 2f);
        Check(t => (t[0] * 3f + 1f) / 2f - t[0], new[] { x }, name: "scalar operators");
        Check(t => 2f - t[0] * t[0], new[] { x }, name: "rsub");
    }
}
