using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionCuda.Cpu.Conv;

/// <summary>
/// Small vector loops for the conv kernels. Unlike TensorPrimitives, whose reductions may start at an
/// alignment-dependent offset, every reduction here walks the data from its first element in fixed 8-wide
/// steps, so the result depends only on the values, never on where the buffer happens to sit (determinism).
/// </summary>
internal static unsafe class VecOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Madd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>y[i] += alpha * x[i].</summary>
    public static void Axpy(float alpha, float* x, float* y, int n)
    {
        int i = 0;
        var av = Vector256.Create(alpha);
        for (; i + 8 <= n; i += 8) Madd(av, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
        for (; i < n; i++) y[i] = MathF.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    /// <summary>y[i] += x[i].</summary>
    public static void Add(float* x, float* y, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) (Vector256.Load(y + i) + Vector256.Load(x + i)).Store(y + i);
        for (; i < n; i++) y[i] += x[i];
    }

    /// <summary>y[i] = x[i], inline (the im2col segments are short: a call to memmove costs as much as the copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* x, float* y, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Load(x + i).Store(y + i);
        for (; i < n; i++) y[i] = x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zero(float* y, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256<float>.Zero.Store(y + i);
        for (; i < n; i++) y[i] = 0f;
    }

    /// <summary>y[i] += value.</summary>
    public static void AddScalar(float value, float* y, int n)
    {
        int i = 0;
        var v = Vector256.Create(value);
        for (; i + 8 <= n; i += 8) (Vector256.Load(y + i) + v).Store(y + i);
        for (; i < n; i++) y[i] += value;
    }

    public static void Fill(float value, float* y, long n) => new Span<float>(y, checked((int)n)).Fill(value);

    /// <summary>Fixed-order sum: 8 lanes from element 0, lanes folded in a fixed tree, then the tail.</summary>
    public static float Sum(float* x, int n)
    {
        int i = 0;
        var acc = Vector256<float>.Zero;
        for (; i + 8 <= n; i += 8) acc += Vector256.Load(x + i);
        float s = Fold(acc);
        for (; i < n; i++) s += x[i];
        return s;
    }

    /// <summary>Fixed-order dot product (same walk as <see cref="Sum"/>).</summary>
    public static float Dot(float* x, float* y, int n)
    {
        int i = 0;
        var acc = Vector256<float>.Zero;
        for (; i + 8 <= n; i += 8) acc = Madd(Vector256.Load(x + i), Vector256.Load(y + i), acc);
        float s = Fold(acc);
        for (; i < n; i++) s = MathF.FusedMultiplyAdd(x[i], y[i], s);
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Fold(Vector256<float> v)
    {
        var h = v.GetLower() + v.GetUpper();
        return (h.GetElement(0) + h.GetElement(2)) + (h.GetElement(1) + h.GetElement(3));
    }
}
