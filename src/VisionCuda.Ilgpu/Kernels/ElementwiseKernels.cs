using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Elementwise kernels: one thread per output element (implicitly grouped). The op is an int switch inside the
/// kernel (UnaryOp / BinaryOp values), so one compiled kernel serves every op of a family. Formulas and their
/// operation order follow the Cpu backend (CpuBackend.Elementwise.cs and Cpu/Kernels/Unary*Kernels.cs).
/// </summary>
internal static class ElementwiseKernels
{
    public static void Unary(Index1D i, ArrayView<float> x, ArrayView<float> y, int op, float a, float b)
    {
        float v = x[i];
        float r;
        switch (op)
        {
            case 0: r = -v; break; // Neg
            case 1: r = MathF.Exp(v); break;
            case 2: r = MathF.Log(v); break;
            case 3: r = MathF.Sqrt(v); break;
            case 4: r = MathF.Abs(v); break;
            case 5: r = v > 0f ? v : (float.IsNaN(v) ? v : 0f); break; // Relu, NaN propagates
            case 6: r = v > 0f ? v : v * a; break; // LeakyRelu
            case 7: r = v * KMath.Sigmoid(v); break; // Silu
            case 8: r = KMath.Sigmoid(v); break;
            case 9: r = KMath.Tanh(v); break;
            case 10: // Hardswish: x * min(max(x + 3, 0), 6) / 6
            {
                float t = v + 3f;
                t = t < 0f ? 0f : t;
                t = t > 6f ? 6f : t;
                r = v * t / 6f;
                break;
            }
            case 11: r = KMath.Pow(v, a); break;
            case 12: // Clamp: compares, so NaN passes and lo > hi gives hi
            {
                float t = v < a ? a : v;
                r = t > b ? b : t;
                break;
            }
            case 13: r = v * a + b; break; // Affine
            default: r = 1f / v; break; // Reciprocal
        }
        y[i] = r;
    }

    public static void UnaryBackward(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx,
                                     int op, float a, float b)
    {
        float v = x[i], g = dy[i];
        float r;
        switch (op)
        {
            case 0: r = -g; break;
            case 1: r = g * y[i]; break; // exp
            case 2: r = g / v; break; // log
            case 3: { float s = y[i]; r = g / (s + s); break; } // sqrt
            case 4: r = v > 0f ? g : (v < 0f ? -g : 0f); break; // abs
            case 5: r = v > 0f ? g : 0f; break; // relu
            case 6: r = v > 0f ? g : g * a; break; // leaky relu
            case 7: { float s = KMath.Sigmoid(v); r = g * s * (1f + v * (1f - s)); break; } // silu
            case 8: { float s = y[i]; r = g * (1f - s) * s; break; } // sigmoid
            case 9: { float t = y[i]; r = g * (1f - t * t); break; } // tanh
            case 10: r = v < -3f ? 0f : (v > 3f ? g : g * (v / 3f + 0.5f)); break; // hardswish
            case 11: r = a == 0f ? 0f : g * (a * KMath.Pow(v, a - 1f)); break; // pow
            case 12: r = v >= a && v <= b ? g : 0f; break; // clamp
            case 13: r = g * a; break; // affine
            default: { float t = y[i]; r = -g * (t * t); break; } // reciprocal
        }
        dx[i] = r;
    }

    public static float ApplyBinary(int op, float a, float b) => op switch
    {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => a / b,
        4 => KMath.Max(a, b),
        _ => KMath.Min(a, b),
    };

    /// <summary>Same-shape (or scalar-operand) binary: strides 1 or 0 per operand.</summary>
    public static void BinaryFlat(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int op, int strideA, int strideB) =>
        y[i] = ApplyBinary(op, a[(long)(int)i * strideA], b[(long)(int)i * strideB]);

    /// <summary>General broadcasting binary over a (coalesced) rank-6 plan.</summary>
    public static void BinaryStrided(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int op, Shape6 plan)
    {
        plan.Offsets(i, out long oa, out long ob);
        y[i] = ApplyBinary(op, a[oa], b[ob]);
    }

    public static void Axpy(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, float alpha) =>
        y[i] = alpha == 1f ? a[i] + b[i] : b[i] * alpha + a[i];
}
