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

    public static void FillFloat(Index1D i, ArrayView<float> y, float value) => y[i] = value;

    public static void FillInt(Index1D i, ArrayView<int> y, int value) => y[i] = value;

    /// <summary>Block copy on 32-bit words (floats and ints alike, bit-exact). Thread = (row, col).</summary>
    public static void CopyBlocks(Index1D i, ArrayView<int> src, ArrayView<int> dst, BlockCopy p)
    {
        long r = i / p.Cols, c = i - r * p.Cols;
        dst[p.DstOffset + r * p.DstStride + c] = src[p.SrcOffset + r * p.SrcStride + c];
    }

    public static void AccumulateBlocksFloat(Index1D i, ArrayView<float> src, ArrayView<float> dst, BlockCopy p)
    {
        long r = i / p.Cols, c = i - r * p.Cols;
        long d = p.DstOffset + r * p.DstStride + c;
        dst[d] = dst[d] + src[p.SrcOffset + r * p.SrcStride + c];
    }

    public static void AccumulateBlocksInt(Index1D i, ArrayView<int> src, ArrayView<int> dst, BlockCopy p)
    {
        long r = i / p.Cols, c = i - r * p.Cols;
        long d = p.DstOffset + r * p.DstStride + c;
        dst[d] = dst[d] + src[p.SrcOffset + r * p.SrcStride + c];
    }

    /// <summary>y[i] = x[offset of i in the permuted source]; plan.A holds the source strides in output dim order.</summary>
    public static void Permute(Index1D i, ArrayView<int> x, ArrayView<int> y, Shape6 plan)
    {
        plan.Offsets(i, out long src, out _);
        y[i] = x[src];
    }

    /// <summary>mask = 0 where the 24-bit Philox uniform at counter (offset + i) is below p, else scale = 1/(1-p).</summary>
    public static void DropoutMask(Index1D i, ArrayView<float> mask, ulong seed, ulong offset, float p, float scale)
    {
        uint bits = KMath.Philox(seed, offset + (ulong)(int)i);
        float u = (bits >> 8) * (1.0f / 16777216.0f);
        mask[i] = u < p ? 0f : scale;
    }
}

/// <summary>Arguments of a block copy (see IBackend.CopyBlocks).</summary>
internal struct BlockCopy
{
    public long SrcOffset, SrcStride, DstOffset, DstStride, Cols;
}
