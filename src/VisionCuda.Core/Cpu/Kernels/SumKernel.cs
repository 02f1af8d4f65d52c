using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// Accurate, deterministic sums of contiguous float rows. Blocks of <see cref="Block"/> elements are summed in
/// float with four Vector256 accumulators (32 lanes, so at most 32 adds per lane), then block results are added
/// in double, in order. Chunks of <see cref="Chunk"/> elements form the unit of parallel work: a row sum is
/// always sum_chunk(sum_block(...)) in the same order, whether the chunks ran on one thread or many.
/// </summary>
internal static unsafe class SumKernel
{
    public const int Block = 1024;
    public const long Chunk = 64 * Block;

    /// <summary>Sum of x[0..n) with the fixed chunk/block structure.</summary>
    public static double Sum(float* x, long n)
    {
        double total = 0;
        for (long c = 0; c < n; c += Chunk) total += SumChunk(x + c, Math.Min(Chunk, n - c));
        return total;
    }

    /// <summary>Same value as <see cref="Sum"/>, with chunks computed in parallel (used for long rows).</summary>
    public static double SumParallel(float* x, long n, int threads)
    {
        long chunks = (n + Chunk - 1) / Chunk;
        if (chunks <= 1) return Sum(x, n);
        var partial = new double[chunks];
        CpuParallel.For(threads, chunks, 1, (s, e) =>
        {
            for (long c = s; c < e; c++) partial[c] = SumChunk(x + c * Chunk, Math.Min(Chunk, n - c * Chunk));
        });
        double total = 0;
        for (long c = 0; c < chunks; c++) total += partial[c];
        return total;
    }

    private static double SumChunk(float* x, long n)
    {
        double total = 0;
        for (long b = 0; b < n; b += Block) total += SumBlock(x + b, (int)Math.Min(Block, n - b));
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumBlock(float* x, int n)
    {
        var a0 = Vector256<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a0 += Vector256.Load(x + i);
            a1 += Vector256.Load(x + i + 8);
            a2 += Vector256.Load(x + i + 16);
            a3 += Vector256.Load(x + i + 24);
        }
        float tail = 0;
        for (; i < n; i++) tail += x[i];
        return Vector256.Sum((a0 + a1) + (a2 + a3)) + tail;
    }

    /// <summary>sum((x - mean)^2) with the same block structure (chunks run serially: callers parallelise over rows).</summary>
    public static double SumSquaredDiff(float* x, long n, float mean)
    {
        double total = 0;
        var m = Vector256.Create(mean);
        for (long b = 0; b < n; b += Block)
        {
            int len = (int)Math.Min(Block, n - b);
            float* p = x + b;
            var a0 = Vector256<float>.Zero; var a1 = a0;
            int i = 0;
            for (; i + 16 <= len; i += 16)
            {
                var d0 = Vector256.Load(p + i) - m;
                var d1 = Vector256.Load(p + i + 8) - m;
                a0 += d0 * d0;
                a1 += d1 * d1;
            }
            float tail = 0;
            for (; i < len; i++) { float d = p[i] - mean; tail += d * d; }
            total += Vector256.Sum(a0 + a1) + tail;
        }
        return total;
    }

    /// <summary>(sum(dy), sum(dy * (x - mean))) for the batch-norm backward.</summary>
    public static (double sumDy, double sumDyXc) SumDyAndDyXc(float* dy, float* x, long n, float mean)
    {
        double s0 = 0, s1 = 0;
        var m = Vector256.Create(mean);
        for (long b = 0; b < n; b += Block)
        {
            int len = (int)Math.Min(Block, n - b);
            float* g = dy + b;
            float* p = x + b;
            var a0 = Vector256<float>.Zero; var a1 = a0;
            int i = 0;
            for (; i + 8 <= len; i += 8)
            {
                var gv = Vector256.Load(g + i);
                a0 += gv;
                a1 += gv * (Vector256.Load(p + i) - m);
            }
            float t0 = 0, t1 = 0;
            for (; i < len; i++) { t0 += g[i]; t1 += g[i] * (p[i] - mean); }
            s0 += Vector256.Sum(a0) + t0;
            s1 += Vector256.Sum(a1) + t1;
        }
        return (s0, s1);
    }
}
