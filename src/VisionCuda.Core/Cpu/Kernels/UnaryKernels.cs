using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionCuda.Cpu.Kernels;

/// <summary>An elementwise function written once, on Vector256; the driver feeds the tail through a padded vector.</summary>
internal interface IVectorMap1
{
    Vector256<float> Apply(Vector256<float> x);
}

/// <summary>A gradient dx = dy * f'(x, y), written on Vector256.</summary>
internal interface IVectorMap3
{
    Vector256<float> Apply(Vector256<float> x, Vector256<float> y, Vector256<float> dy);
}

/// <summary>
/// Drivers for <see cref="IVectorMap1"/>/<see cref="IVectorMap3"/> structs (the JIT specialises each struct, so the
/// call inlines). The last partial vector is copied to a zero-padded stack buffer and run through the same vector
/// code, so every element is computed by identical instructions wherever it sits.
/// </summary>
internal static unsafe class VectorMap
{
    public static void Run<T>(T op, float* x, float* y, long n) where T : struct, IVectorMap1
    {
        long i = 0;
        for (; i + 8 <= n; i += 8) op.Apply(Vector256.Load(x + i)).Store(y + i);
        int rest = (int)(n - i);
        if (rest == 0) return;
        float* bx = stackalloc float[8];
        float* by = stackalloc float[8];
        for (int t = 0; t < 8; t++) bx[t] = t < rest ? x[i + t] : 0f;
        op.Apply(Vector256.Load(bx)).Store(by);
        for (int t = 0; t < rest; t++) y[i + t] = by[t];
    }

    public static void Run<T>(T op, float* x, float* y, float* dy, float* dx, long n) where T : struct, IVectorMap3
    {
        long i = 0;
        for (; i + 8 <= n; i += 8) op.Apply(Vector256.Load(x + i), Vector256.Load(y + i), Vector256.Load(dy + i)).Store(dx + i);
        int rest = (int)(n - i);
        if (rest == 0) return;
        float* bx = stackalloc float[8];
        float* byv = stackalloc float[8];
        float* bdy = stackalloc float[8];
        float* bdx = stackalloc float[8];
        for (int t = 0; t < 8; t++)
        {
            bx[t] = t < rest ? x[i + t] : 0f;
            byv[t] = t < rest ? y[i + t] : 0f;
            bdy[t] = t < rest ? dy[i + t] : 0f;
        }
        op.Apply(Vector256.Load(bx), Vector256.Load(byv), Vector256.Load(bdy)).Store(bdx);
        for (int t = 0; t < rest; t++) dx[i + t] = bdx[t];
    }
}

// ---- forward maps that TensorPrimitives lacks ----------------------------------------------------------------

/// <summary>y = x > 0 ? x : slope*x (NaN stays NaN through the multiply, as in PyTorch).</summary>
internal readonly struct LeakyReluMap(float slope) : IVectorMap1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * Vector256.Create(slope));
}

/// <summary>y = x * min(max(x + 3, 0), 6) / 6, the same operation order as PyTorch's kernel.</summary>
internal readonly struct HardswishMap : IVectorMap1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x)
    {
        var t = x + Vector256.Create(3f);
        t = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256<float>.Zero), Vector256<float>.Zero, t);
        t = Vector256.ConditionalSelect(Vector256.GreaterThan(t, Vector256.Create(6f)), Vector256.Create(6f), t);
        return x * t / Vector256.Create(6f);
    }
}

/// <summary>
/// y = min(max(x, lo), hi) written with compares so that NaN passes through (PyTorch clamp propagates NaN) and
/// lo &gt; hi gives hi, as torch.clamp does.
/// </summary>
internal readonly struct ClampMap(float lo, float hi) : IVectorMap1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x)
    {
        var l = Vector256.Create(lo);
        var h = Vector256.Create(hi);
        var t = Vector256.ConditionalSelect(Vector256.LessThan(x, l), l, x);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(t, h), h, t);
    }
}

/// <summary>y = x * scale + shift with one rounding (batch-norm's per-plane normalisation).</summary>
internal readonly struct ScaleShiftMap(float scale, float shift) : IVectorMap1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => Vector256.FusedMultiplyAdd(x, Vector256.Create(scale), Vector256.Create(shift));
}
