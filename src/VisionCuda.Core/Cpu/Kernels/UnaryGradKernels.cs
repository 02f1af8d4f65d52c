using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionCuda.Cpu.Kernels;

// Derivatives of the unary ops, each as PyTorch's autograd formula writes it (derivatives.yaml / the CPU
// backward kernels), so that gradients at the kinks (0 for relu and abs, the ends of clamp and hardswish)
// agree with PyTorch.

/// <summary>dx = -dy.</summary>
internal readonly struct NegGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => -dy;
}

/// <summary>exp: dx = dy * y.</summary>
internal readonly struct ExpGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => dy * y;
}

/// <summary>log: dx = dy / x.</summary>
internal readonly struct LogGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => dy / x;
}

/// <summary>sqrt: dx = dy / (2 y).</summary>
internal readonly struct SqrtGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => dy / (y + y);
}

/// <summary>abs: dx = dy * sign(x), sign(0) = 0.</summary>
internal readonly struct AbsGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var zero = Vector256<float>.Zero;
        var pos = Vector256.GreaterThan(x, zero);
        var neg = Vector256.LessThan(x, zero);
        return Vector256.ConditionalSelect(pos, dy, Vector256.ConditionalSelect(neg, -dy, zero));
    }
}

/// <summary>relu: dx = x &gt; 0 ? dy : 0 (0 at x = 0, as threshold_backward).</summary>
internal readonly struct ReluGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, Vector256<float>.Zero);
}

/// <summary>leaky relu: dx = x &gt; 0 ? dy : slope*dy.</summary>
internal readonly struct LeakyReluGrad(float slope) : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * Vector256.Create(slope));
}

/// <summary>sigmoid: dx = dy * (1 - y) * y.</summary>
internal readonly struct SigmoidGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y) * y;
}

/// <summary>tanh: dx = dy * (1 - y^2).</summary>
internal readonly struct TanhGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
}

/// <summary>hardswish: 0 for x &lt; -3, dy*(x/3 + 0.5) for -3 &lt;= x &lt;= 3, dy above (hardswish_backward).</summary>
internal readonly struct HardswishGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var three = Vector256.Create(3f);
        var mid = dy * (x / three + Vector256.Create(0.5f));
        var r = Vector256.ConditionalSelect(Vector256.GreaterThan(x, three), dy, mid);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, -three), Vector256<float>.Zero, r);
    }
}

/// <summary>clamp: dx = dy where lo &lt;= x &lt;= hi, else 0 (clamp_backward's mask).</summary>
internal readonly struct ClampGrad(float lo, float hi) : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var inside = Vector256.GreaterThanOrEqual(x, Vector256.Create(lo)) & Vector256.LessThanOrEqual(x, Vector256.Create(hi));
        return Vector256.ConditionalSelect(inside, dy, Vector256<float>.Zero);
    }
}

/// <summary>affine y = a*x + b: dx = a*dy.</summary>
internal readonly struct ScaleGrad(float a) : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => dy * Vector256.Create(a);
}

/// <summary>reciprocal: dx = -dy * y^2.</summary>
internal readonly struct ReciprocalGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => -dy * (y * y);
}

/// <summary>
/// pow with exponent a: dx = dy * a * x^(a-1). The driver passes x^(a-1) (from TensorPrimitives.Pow) in the
/// y slot; exponent 0 gives 0 as PyTorch's pow_backward does.
/// </summary>
internal readonly struct PowGradFromPower(float a) : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> pm1, Vector256<float> dy) =>
        a == 0f ? Vector256<float>.Zero : dy * (Vector256.Create(a) * pm1);
}
