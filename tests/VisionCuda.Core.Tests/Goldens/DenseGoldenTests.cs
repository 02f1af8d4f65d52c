using VisionCuda.Memory;
using VisionCuda.TestSupport;

namespace VisionCuda.Core.Tests.Goldens;

/// <summary>Softmax, log-softmax, linear, matmul and activations against PyTorch 1.13.</summary>
public class DenseGoldenTests
{
    // conventions.md: reductions and GEMM at relative 1e-4, absolute 1e-5.
    private const double Rtol = 1e-4, Atol = 1e-5;

    // conventions.md: elementwise ops at relative 1e-5. The absolute 1e-6 covers outputs and gradients that are
    // (near) zero, e.g. silu and hardswish around x = 0 and hardswish below -3, where a relative bound alone is 0.
    private const double ElemRtol = 1e-5, ElemAtol = 1e-6;

    [Theory]
    [InlineData("softmax_lastdim")]
    [InlineData("softmax_dim1_4d")]
    [InlineData("log_softmax_lastdim")]
    [InlineData("log_softmax_dim1_4d")]
    public void Softmax(string name)
    {
        var g = GoldenFile.Load(name);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        int dim = g.Param<int>("dim");

        var y = g.Op switch
        {
            "softmax" => F.Softmax(x, dim),
            "log_softmax" => F.LogSoftmax(x, dim),
            var op => throw new InvalidDataException($"{name}: unexpected op {op}"),
        };
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
    }

    [Theory]
    [InlineData("linear_bias")]
    [InlineData("linear_nobias")]
    public void Linear(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("linear", g.Op);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);
        var w = g.ToTensor("weight", requiresGrad: true);
        var b = g.Param<bool>("bias") ? g.ToTensor("bias", requiresGrad: true) : null;

        var y = F.Linear(x, w, b);
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, Rtol, Atol);
        g.AssertClose("grad_weight", w.Grad, Rtol, Atol);
        if (b is not null) g.AssertClose("grad_bias", b.Grad, Rtol, Atol);
    }

    [Theory]
    [InlineData("matmul_2d")]
    [InlineData("matmul_batched")]
    public void Matmul(string name)
    {
        var g = GoldenFile.Load(name);
        Assert.Equal("matmul", g.Op);
        using var scope = DisposeScope.Enter();
        var a = g.ToTensor("a", requiresGrad: true);
        var b = g.ToTensor("b", requiresGrad: true);

        var y = F.Matmul(a, b);
        g.AssertClose("out", y, Rtol, Atol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_a", a.Grad, Rtol, Atol);
        g.AssertClose("grad_b", b.Grad, Rtol, Atol);
    }

    [Theory]
    [InlineData("silu")]
    [InlineData("hardswish")]
    [InlineData("leaky_relu")]
    [InlineData("leaky_relu_0p1")]
    public void Activation(string name)
    {
        var g = GoldenFile.Load(name);
        using var scope = DisposeScope.Enter();
        var x = g.ToTensor("x", requiresGrad: true);

        var y = g.Op switch
        {
            "silu" => F.Silu(x),
            "hardswish" => F.Hardswish(x),
            "leaky_relu" => F.LeakyRelu(x, g.Param<float>("negative_slope")),
            var op => throw new InvalidDataException($"{name}: unexpected op {op}"),
        };
        g.AssertClose("out", y, ElemRtol, ElemAtol);

        y.Backward(g.ToTensor("grad_out"));
        g.AssertClose("grad_x", x.Grad, ElemRtol, ElemAtol);
    }
}
