using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// exp and sigmoid on Vector256, for the ops that run them over whole activation maps (SiLU forward and backward,
/// sigmoid, exp): TensorPrimitives.Exp is several times slower than a memory pass on this runtime, which made
/// SiLU cost as much as batch-norm.
///
/// exp(x) = 2^n * e^r with n = round(x / ln 2) and r = x - n ln 2 in [-ln2/2, ln2/2] (ln 2 split in a hi part with
/// few mantissa bits and a lo part, so n * hi is exact: Cody-Waite); e^r is Cephes' degree-7 form
/// 1 + r + r^2 * p(r) with p's minimax coefficients from cephes/single/expf.c. Within 2 ulp of the correctly
/// rounded result (checked against double Math.Exp over [-104, 89] in VecExpTests).
/// The scale 2^n is applied as 2^(n/2) * 2^(n - n/2), two normal powers, so that results in the subnormal range
/// (x below -87.3) and the overflow to +inf (x above 88.72) come out right without a special case; x is clamped to
/// [-104, 89] first (exp there is already 0 or +inf in float), and NaN is passed through at the end.
/// </summary>
internal static class VecExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float MinX = -104f;
    private const float MaxX = 89f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var c = Vector256.Min(Vector256.Max(x, Vector256.Create(MinX)), Vector256.Create(MaxX));
        var n = Vector256.Round(c * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), c);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.Create(1.9875691500E-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894E-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459E-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201E-1f));
        var e = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var ni = Vector256.ConvertToInt32(n);
        var n1 = Vector256.ShiftRightArithmetic(ni, 1);
        var n2 = ni - n1;
        var bias = Vector256.Create(127);
        var s1 = Vector256.ShiftLeft(n1 + bias, 23).AsSingle();
        var s2 = Vector256.ShiftLeft(n2 + bias, 23).AsSingle();
        var y = e * s1 * s2;
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>y = exp(x) over spans (y may be x): the drop-in for TensorPrimitives.Exp.</summary>
    public static unsafe void Exp(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("destination too short", nameof(y));
        fixed (float* px = x)
        fixed (float* py = y)
            VectorMap.Run(new ExpMap(), px, py, x.Length);
    }

    /// <summary>1 / (1 + exp(-x)): 0 for x below about -88.7 (exp overflows to +inf), 1 above about 17, NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));
}

/// <summary>y = exp(x).</summary>
internal readonly struct ExpMap : IVectorMap1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => VecExp.Exp(x);
}

/// <summary>y = sigmoid(x).</summary>
internal readonly struct SigmoidMap : IVectorMap1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => VecExp.Sigmoid(x);
}

/// <summary>y = x * sigmoid(x) in one pass (y may alias x).</summary>
internal readonly struct SiluMap : IVectorMap1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => x * VecExp.Sigmoid(x);
}

/// <summary>silu: dx = dy * s * (1 + x*(1 - s)) with s = sigmoid(x) recomputed from x (one pass, no scratch row).</summary>
internal readonly struct SiluGrad : IVectorMap3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var one = Vector256<float>.One;
        var s = VecExp.Sigmoid(x);
        return dy * s * (one + x * (one - s));
    }
}
