namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// A permutation reduced to its essentials: size-1 dims dropped and output dims merged where the source also
/// steps through them contiguously. NCHW -> NHWC becomes a batch of 2-D transposes [C, HW] -> [HW, C].
/// </summary>
internal sealed class PermutePlan
{
    public required int[] Sizes { get; init; }      // output dims after coalescing
    public required long[] SrcStrides { get; init; } // source stride of each output dim
    public long Count { get; init; }

    public static PermutePlan Create(int[] shape, int[] perm)
    {
        var inStrides = Shapes.ContiguousStrides(shape);
        var sizes = new List<int>();
        var strides = new List<long>();
        long count = 1;
        foreach (int p in perm)
        {
            int size = shape[p];
            count *= size;
            if (size == 1) continue;
            long st = inStrides[p];
            if (sizes.Count > 0 && strides[^1] == st * size)
            {
                sizes[^1] *= size;
                strides[^1] = st;
                continue;
            }
            sizes.Add(size);
            strides.Add(st);
        }
        return new PermutePlan { Sizes = sizes.ToArray(), SrcStrides = strides.ToArray(), Count = count };
    }
}

/// <summary>
/// Permute copy. If the last output dim is contiguous in the source it copies rows; otherwise it transposes
/// 32x32 tiles between the output's last dim and the dim that is contiguous in the source, so reads and
/// writes both stay within a few cache lines.
/// </summary>
internal static unsafe class PermuteKernel
{
    private const int Tile = 32;

    public static void Run(PermutePlan plan, float* x, float* y, int threads)
    {
        int k = plan.Sizes.Length;
        if (plan.Count == 0) return;
        if (k == 0)
        {
            y[0] = x[0];
            return;
        }
        int last = k - 1;
        if (plan.SrcStrides[last] == 1)
        {
            CopyRows(plan, x, y, threads);
            return;
        }
        int j = Array.IndexOf(plan.SrcStrides, 1L);
        TransposeTiles(plan, j, x, y, threads);
    }

    private static void CopyRows(PermutePlan plan, float* x, float* y, int threads)
    {
        int k = plan.Sizes.Length;
        int rowLen = plan.Sizes[k - 1];
        long rows = plan.Count / rowLen;
        var sizes = plan.Sizes;
        var strides = plan.SrcStrides;
        CpuParallel.For(threads, rows, CpuParallel.GrainFor(rowLen), (s, e) =>
        {
            for (long r = s; r < e; r++)
            {
                long rem = r, off = 0;
                for (int d = k - 2; d >= 0; d--)
                {
                    off += rem % sizes[d] * strides[d];
                    rem /= sizes[d];
                }
                new ReadOnlySpan<float>(x + off, rowLen).CopyTo(new Span<float>(y + r * rowLen, rowLen));
            }
        });
    }

    private static void TransposeTiles(PermutePlan plan, int j, float* x, float* y, int threads)
    {
        int k = plan.Sizes.Length;
        int last = k - 1;
        var sizes = plan.Sizes;
        var src = plan.SrcStrides;
        var dstStrides = Shapes.ContiguousStrides(sizes);
        var outerDims = Enumerable.Range(0, k).Where(d => d != j && d != last).ToArray();
        long outer = 1;
        foreach (int d in outerDims) outer *= sizes[d];
        int na = sizes[j], nb = sizes[last];
        long tilesA = (na + Tile - 1) / Tile, tilesB = (nb + Tile - 1) / Tile;
        long items = outer * tilesA * tilesB;
        long ya = dstStrides[j], xb = src[last];
        CpuParallel.For(threads, items, CpuParallel.GrainFor(Tile * Tile), (s, e) =>
        {
            for (long it = s; it < e; it++)
            {
                long tb = it % tilesB, ta = it / tilesB % tilesA, o = it / tilesB / tilesA;
                long xOff = 0, yOff = 0, rem = o;
                for (int q = outerDims.Length - 1; q >= 0; q--)
                {
                    int d = outerDims[q];
                    long idx = rem % sizes[d];
                    rem /= sizes[d];
                    xOff += idx * src[d];
                    yOff += idx * dstStrides[d];
                }
                int a0 = (int)(ta * Tile), a1 = Math.Min(na, a0 + Tile);
                int b0 = (int)(tb * Tile), b1 = Math.Min(nb, b0 + Tile);
                for (int a = a0; a < a1; a++)
                {
                    float* yr = y + yOff + a * ya;
                    float* xr = x + xOff + a;
                    for (int b = b0; b < b1; b++) yr[b] = xr[b * xb];
                }
            }
        });
    }
}
