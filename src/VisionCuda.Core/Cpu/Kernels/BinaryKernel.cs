using System.Numerics.Tensors;
using VisionCuda.Backends;

namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// Broadcasting binary ops. After <see cref="BroadcastPlan"/> coalescing, each operand's stride along the last
/// dim is 1 (it varies) or 0 (it is broadcast), so every output row is one TensorPrimitives call: span-span,
/// span-scalar or scalar-span. Bias [C] over [N,C,H,W] coalesces to [N, C, HW] with b strides [0, 1, 0]: rows of
/// HW against one scalar.
/// </summary>
internal static unsafe class BinaryKernel
{
    /// <summary>One row of n outputs; <paramref name="sa"/>, <paramref name="sb"/> are 1 (varies) or 0 (broadcast).</summary>
    public static void Row(BinaryOp op, float* a, long sa, float* b, long sb, float* y, int n)
    {
        var sy = new Span<float>(y, n);
        if (sa != 0 && sb != 0) SpanSpan(op, new ReadOnlySpan<float>(a, n), new ReadOnlySpan<float>(b, n), sy);
        else if (sa != 0) SpanScalar(op, new ReadOnlySpan<float>(a, n), *b, sy);
        else if (sb != 0) ScalarSpan(op, *a, new ReadOnlySpan<float>(b, n), sy);
        else sy.Fill(Scalar(op, *a, *b));
    }

    private static void SpanSpan(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(a, b, y); break;
            case BinaryOp.Minimum: TensorPrimitives.Min(a, b, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    private static void SpanScalar(BinaryOp op, ReadOnlySpan<float> a, float b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(a, b, y); break;
            case BinaryOp.Minimum: TensorPrimitives.Min(a, b, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    private static void ScalarSpan(BinaryOp op, float a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(b, a, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(b, a, y); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(b, a, y); break;
            case BinaryOp.Minimum: TensorPrimitives.Min(b, a, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    /// <summary>Scalar form; Math.Max/Min propagate NaN like TensorPrimitives and torch.maximum.</summary>
    public static float Scalar(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Maximum => MathF.Max(a, b),
        BinaryOp.Minimum => MathF.Min(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>General broadcast: rows of the last dim, outer dims walked by index decomposition, parallel over rows.</summary>
    public static void Strided(BinaryOp op, BroadcastPlan plan, float* a, float* b, float* y, int threads)
    {
        int rank = plan.Rank;
        int rowLen = plan.OutShape[rank - 1];
        long rows = plan.Count / rowLen;
        var shape = plan.OutShape;
        var sA = plan.AStrides;
        var sB = plan.BStrides;
        long la = sA[rank - 1], lb = sB[rank - 1];
        CpuParallel.For(threads, rows, CpuParallel.GrainFor(rowLen), (s, e) =>
        {
            for (long r = s; r < e; r++)
            {
                long rem = r, oa = 0, ob = 0;
                for (int d = rank - 2; d >= 0; d--)
                {
                    long idx = rem % shape[d];
                    rem /= shape[d];
                    oa += idx * sA[d];
                    ob += idx * sB[d];
                }
                Row(op, a + oa, la, b + ob, lb, y + r * rowLen, rowLen);
            }
        });
    }
}
