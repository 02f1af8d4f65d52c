using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// Sum/mean/max over the middle dim of [outer, dim, inner]. Every output is produced by one work item with a
/// fixed summation order, so results never depend on threading.
/// - inner == 1: rows are contiguous; sums go through <see cref="SumKernel"/> (float blocks, double across blocks).
/// - inner &gt; 1: work items are (outer, tile of <see cref="Tile"/> inner positions); each tile accumulates
///   whole rows with Vector256, in float for <see cref="Flush"/> rows at a time and then in double.
/// </summary>
internal static unsafe class ReduceKernel
{
    private const int Tile = 256;
    private const int Flush = 128;

    public static void Sum(float* x, float* y, long outer, int dimSize, long inner, bool mean, int threads)
    {
        if (inner == 1)
        {
            if (outer < threads)
            {
                // Few long rows: split each row over threads (same arithmetic as the serial row sum).
                for (long o = 0; o < outer; o++)
                {
                    double s = SumKernel.SumParallel(x + o * dimSize, dimSize, threads);
                    y[o] = (float)(mean ? s / dimSize : s);
                }
                return;
            }
            CpuParallel.For(threads, outer, CpuParallel.GrainFor(dimSize), (s, e) =>
            {
                for (long o = s; o < e; o++)
                {
                    double sum = SumKernel.Sum(x + o * dimSize, dimSize);
                    y[o] = (float)(mean ? sum / dimSize : sum);
                }
            });
            return;
        }
        long tiles = (inner + Tile - 1) / Tile;
        CpuParallel.For(threads, outer * tiles, CpuParallel.GrainFor((long)dimSize * Tile), (s, e) =>
        {
            float* acc = stackalloc float[Tile];
            double* dacc = stackalloc double[Tile];
            for (long it = s; it < e; it++)
            {
                long o = it / tiles, i0 = it % tiles * Tile;
                int w = (int)Math.Min(Tile, inner - i0);
                new Span<float>(acc, w).Clear();
                new Span<double>(dacc, w).Clear();
                float* basePtr = x + o * dimSize * inner + i0;
                for (int d = 0; d < dimSize; d++)
                {
                    float* row = basePtr + d * inner;
                    int i = 0;
                    for (; i + 8 <= w; i += 8) (Vector256.Load(acc + i) + Vector256.Load(row + i)).Store(acc + i);
                    for (; i < w; i++) acc[i] += row[i];
                    if ((d + 1) % Flush == 0)
                    {
                        for (int k = 0; k < w; k++) { dacc[k] += acc[k]; acc[k] = 0; }
                    }
                }
                float* yo = y + o * inner + i0;
                for (int k = 0; k < w; k++)
                {
                    double v = dacc[k] + acc[k];
                    yo[k] = (float)(mean ? v / dimSize : v);
                }
            }
        });
    }

    /// <summary>Max with argmax: first maximum wins; a NaN wins over numbers (the first NaN), as torch.max(dim) does.</summary>
    public static void Max(float* x, float* y, int* argmax, long outer, int dimSize, long inner, int threads)
    {
        if (inner == 1)
        {
            CpuParallel.For(threads, outer, CpuParallel.GrainFor(dimSize), (s, e) =>
            {
                for (long o = s; o < e; o++)
                {
                    float* row = x + o * dimSize;
                    int idx = RowArgMax(row, dimSize);
                    y[o] = row[idx];
                    if (argmax != null) argmax[o] = idx;
                }
            });
            return;
        }
        long tiles = (inner + Tile - 1) / Tile;
        CpuParallel.For(threads, outer * tiles, CpuParallel.GrainFor((long)dimSize * Tile), (s, e) =>
        {
            float* best = stackalloc float[Tile];
            int* bidx = stackalloc int[Tile];
            for (long it = s; it < e; it++)
            {
                long o = it / tiles, i0 = it % tiles * Tile;
                int w = (int)Math.Min(Tile, inner - i0);
                float* basePtr = x + o * dimSize * inner + i0;
                new ReadOnlySpan<float>(basePtr, w).CopyTo(new Span<float>(best, w));
                new Span<int>(bidx, w).Clear();
                for (int d = 1; d < dimSize; d++)
                {
                    float* row = basePtr + d * inner;
                    var dv = Vector256.Create(d);
                    int i = 0;
                    for (; i + 8 <= w; i += 8)
                    {
                        var v = Vector256.Load(row + i);
                        var cur = Vector256.Load(best + i);
                        var vNaN = ~Vector256.Equals(v, v);
                        var curNaN = ~Vector256.Equals(cur, cur);
                        var take = Vector256.GreaterThan(v, cur) | (vNaN & ~curNaN);
                        Vector256.ConditionalSelect(take, v, cur).Store(best + i);
                        Vector256.ConditionalSelect(take.AsInt32(), dv, Vector256.Load(bidx + i)).Store(bidx + i);
                    }
                    for (; i < w; i++)
                    {
                        float v = row[i], cur = best[i];
                        if (v > cur || (float.IsNaN(v) && !float.IsNaN(cur)))
                        {
                            best[i] = v;
                            bidx[i] = d;
                        }
                    }
                }
                new ReadOnlySpan<float>(best, w).CopyTo(new Span<float>(y + o * inner + i0, w));
                if (argmax != null) new ReadOnlySpan<int>(bidx, w).CopyTo(new Span<int>(argmax + o * inner + i0, w));
            }
        });
    }

    private static int RowArgMax(float* row, int n)
    {
        var span = new ReadOnlySpan<float>(row, n);
        // TensorPrimitives.Max propagates NaN; then find the first position holding the result.
        float m = TensorPrimitives.Max(span);
        if (float.IsNaN(m))
        {
            for (int i = 0; i < n; i++) if (float.IsNaN(row[i])) return i;
        }
        int k = span.IndexOf(m);
        if (k >= 0 && m != 0f) return k;
        // m is 0: +0 and -0 compare equal (torch treats them as ties), so take the first of either.
        for (int i = 0; i < n; i++) if (row[i] == m) return i;
        return 0;
    }
}
