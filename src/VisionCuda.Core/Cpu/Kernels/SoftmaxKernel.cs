using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// Softmax building blocks. A slice is [dim, inner]; reductions along dim run row by row over inner-wide
/// accumulators, in float, which is accurate for class counts (dim is in the tens to thousands).
///   softmax:     y = exp(x - max) / sum(exp(x - max))
///   log-softmax: y = x - max - log(sum(exp(x - max)))
///   backward:    softmax dx = y * (dy - sum(dy*y)); log-softmax dx = dy - exp(y) * sum(dy)
/// </summary>
internal static unsafe class SoftmaxKernel
{
    public static void Row(float* x, float* y, int n, bool log)
    {
        var sx = new ReadOnlySpan<float>(x, n);
        var sy = new Span<float>(y, n);
        float max = TensorPrimitives.Max(sx);
        if (float.IsNegativeInfinity(max)) max = 0f; // an all -inf row still ends in NaN (0/0, -inf+inf), as in PyTorch
        TensorPrimitives.Subtract(sx, max, sy);
        if (log)
        {
            // y currently holds x - max; sum exp of it without a second buffer, one block at a time.
            float sum = SumExp(sy);
            TensorPrimitives.Subtract(sy, MathF.Log(sum), sy);
            return;
        }
        VecExp.Exp(sy, sy);
        float total = (float)SumKernel.Sum(y, n);
        TensorPrimitives.Divide(sy, total, sy);
    }

    private static float SumExp(ReadOnlySpan<float> v)
    {
        Span<float> tmp = stackalloc float[256];
        double total = 0;
        for (int o = 0; o < v.Length; o += tmp.Length)
        {
            int len = Math.Min(tmp.Length, v.Length - o);
            var t = tmp[..len];
            VecExp.Exp(v.Slice(o, len), t);
            total += TensorPrimitives.Sum<float>(t);
        }
        return (float)total;
    }

    public static void Slice(float* x, float* y, int dim, int inner, bool log, float[] scratch)
    {
        var max = scratch.AsSpan(0, inner);
        var sum = scratch.AsSpan(inner, inner);
        new ReadOnlySpan<float>(x, inner).CopyTo(max);
        for (int d = 1; d < dim; d++) TensorPrimitives.Max(max, new ReadOnlySpan<float>(x + (long)d * inner, inner), max);
        for (int i = 0; i < inner; i++) if (float.IsNegativeInfinity(max[i])) max[i] = 0f;
        sum.Clear();
        // One pass per row: log keeps x - max in y (needed for the final subtraction), softmax keeps exp(x - max).
        fixed (float* pm = max, ps = sum)
            for (int d = 0; d < dim; d++) ShiftExpAccumulate(x + (long)d * inner, pm, y + (long)d * inner, ps, inner, log);
        if (log)
        {
            TensorPrimitives.Log(sum, sum);
            for (int d = 0; d < dim; d++)
            {
                var row = new Span<float>(y + (long)d * inner, inner);
                TensorPrimitives.Subtract(row, sum, row);
            }
            return;
        }
        TensorPrimitives.Reciprocal(sum, sum);
        for (int d = 0; d < dim; d++)
        {
            var row = new Span<float>(y + (long)d * inner, inner);
            TensorPrimitives.Multiply(row, sum, row);
        }
    }

    /// <summary>t = x - m; y = log ? t : exp(t); sum += exp(t), elementwise over one row of a slice (vector body, scalar tail).</summary>
    private static void ShiftExpAccumulate(float* x, float* m, float* y, float* sum, int n, bool log)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var t = Vector256.Load(x + i) - Vector256.Load(m + i);
            var e = VecExp.Exp(t);
            (log ? t : e).Store(y + i);
            (Vector256.Load(sum + i) + e).Store(sum + i);
        }
        for (; i < n; i++)
        {
            float t = x[i] - m[i], e = MathF.Exp(t);
            y[i] = log ? t : e;
            sum[i] += e;
        }
    }

    /// <summary>Backward of one contiguous row (inner == 1).</summary>
    public static void RowBackward(float* y, float* dy, float* dx, int n, bool log)
    {
        var sy = new ReadOnlySpan<float>(y, n);
        var sdy = new ReadOnlySpan<float>(dy, n);
        var sdx = new Span<float>(dx, n);
        if (log)
        {
            float total = (float)SumKernel.Sum(dy, n);
            Span<float> tmp = stackalloc float[256];
            for (int o = 0; o < n; o += tmp.Length)
            {
                int len = Math.Min(tmp.Length, n - o);
                var t = tmp[..len];
                VecExp.Exp(sy.Slice(o, len), t);
                TensorPrimitives.Multiply(t, total, t);
                TensorPrimitives.Subtract(sdy.Slice(o, len), t, sdx.Slice(o, len));
            }
            return;
        }
        float dot = TensorPrimitives.Dot(sdy, sy);
        TensorPrimitives.Subtract(sdy, dot, sdx);
        TensorPrimitives.Multiply(sdx, sy, sdx);
    }

    public static void Backward(float* y, float* dy, float* dx, int dim, int inner, bool log, float[] scratch)
    {
        var acc = scratch.AsSpan(0, inner);
        acc.Clear();
        if (log)
        {
            for (int d = 0; d < dim; d++) TensorPrimitives.Add(acc, new ReadOnlySpan<float>(dy + (long)d * inner, inner), acc);
            fixed (float* pa = acc)
                for (int d = 0; d < dim; d++) LogSoftmaxGradRow(y + (long)d * inner, dy + (long)d * inner, pa, dx + (long)d * inner, inner);
            return;
        }
        for (int d = 0; d < dim; d++)
        {
            long off = (long)d * inner;
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(dy + off, inner), new ReadOnlySpan<float>(y + off, inner), acc, acc);
        }
        for (int d = 0; d < dim; d++)
        {
            long off = (long)d * inner;
            var outRow = new Span<float>(dx + off, inner);
            TensorPrimitives.Subtract(new ReadOnlySpan<float>(dy + off, inner), acc, outRow);
            TensorPrimitives.Multiply(outRow, new ReadOnlySpan<float>(y + off, inner), outRow);
        }
    }

    /// <summary>dx = dy - exp(y) * acc over one row (log-softmax backward), in one pass.</summary>
    private static void LogSoftmaxGradRow(float* y, float* dy, float* acc, float* dx, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8)
            (Vector256.Load(dy + i) - VecExp.Exp(Vector256.Load(y + i)) * Vector256.Load(acc + i)).Store(dx + i);
        for (; i < n; i++) dx[i] = dy[i] - MathF.Exp(y[i]) * acc[i];
    }
}
