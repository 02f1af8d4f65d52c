using VisionCuda.Backends;
using VisionCuda.Cpu.Conv;
using VisionCuda.Cpu.Gemm;

namespace VisionCuda.Cpu;

/// <summary>
/// Conv2d on the Cpu backend. Per image n and group g (Cg = C/G input channels, Kg = K/G filters, CRS = Cg*R*S):
///
///   forward          Y[n,g] (Kg x P)   = W[g] (Kg x CRS) * col(X[n,g]) (CRS x P)
///   backward-data    dcol   (CRS x P)  = W[g]^T * dY[n,g];  dX[n,g] = col2im(dcol)
///   backward-weight  dW[g]  (Kg x CRS) = sum_n dY[n,g] * col(X[n,g])^T
///
/// where P = OH*OW is cut into pixel chunks so that a column chunk (CRS x chunk) stays in L2; the column
/// buffers come from the backend's pool, so repeated calls reuse them. 1x1 / stride 1 / no padding skips
/// im2col (the NCHW plane already is the column matrix); depthwise (Cg == Kg == 1) runs a direct loop.
///
/// Threads: work items are (image, group[, chunk]); when there are fewer items than threads the GEMMs inside
/// one item are threaded instead. Backward-weight sums images into min(N, 8) partials (image n goes to
/// partial n mod P, in image order) which are then added in partial order: the partition is fixed by the
/// shape alone, so dW is bitwise the same for any thread count and timing.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>Floats in one column chunk (512 KB), sized for a 1 MB L2 next to the packed GEMM panels.</summary>
    private const long ColumnChunkFloats = 128 * 1024;

    private const int MaxWeightPartials = 8;

    private static bool IsPointwise(in Conv2dGeometry g)
        => g.R == 1 && g.S == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadH == 0 && g.PadW == 0;

    private static bool IsDepthwise(in Conv2dGeometry g) => g.CPerGroup == 1 && g.KPerGroup == 1;

    /// <summary>Pixels per chunk: a multiple of 16 (the GEMM's NR) unless one chunk covers the whole plane.</summary>
    private static int ChunkPixels(in Conv2dGeometry g)
    {
        int p = g.OutH * g.OutW;
        long rows = (long)g.CPerGroup * g.R * g.S;
        long chunk = Math.Max(64, ColumnChunkFloats / rows);
        if (chunk >= p) return p;
        int nChunks = (int)((p + chunk - 1) / chunk);
        int even = (p + nChunks - 1) / nChunks;          // balance the chunks
        return Math.Min(p, (even + 15) / 16 * 16);
    }

    /// <summary>Runs body(item, inner) for every item: items in parallel (inner = 1) or, with fewer items than threads, serially with inner = Threads.</summary>
    private void ForItems(int items, Action<int, int> body)
    {
        if (items >= Threads && Threads > 1)
            Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = Threads }, i => body(i, 1));
        else
            for (int i = 0; i < items; i++) body(i, Threads);
    }

    /// <summary>Splits channels [0, count) over <paramref name="threads"/> (fixed split; each channel is handled whole by one thread).</summary>
    private static void ForChannels(int threads, int count, Action<int, int> body)
    {
        if (threads <= 1 || count < 2) { body(0, count); return; }
        int parts = Math.Min(threads, count);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => body(count * t / parts, count * (t + 1) / parts));
    }

    private CpuMemoryPool.Block RentFloats(long count) => Pool.Rent(Math.Max(1, count) * sizeof(float));

    public void Conv2dForward(in Conv2dGeometry g, Storage x, Storage w, Storage? bias, Storage y)
    {
        g.Validate();
        var geo = g;
        float* px = P(x), pw = P(w), py = P(y), pb = bias is null ? null : P(bias);
        int P_ = g.OutH * g.OutW;
        long inPlane = (long)g.H * g.W, outPlane = P_;

        if (IsDepthwise(g))
        {
            ForItems(g.N * g.C, (item, _) =>
            {
                int n = item / geo.C, c = item % geo.C;
                Depthwise.Forward(geo, px + ((long)n * geo.C + c) * inPlane, pw + (long)c * geo.R * geo.S,
                    pb == null ? 0f : pb[c], py + ((long)n * geo.K + c) * outPlane);
            });
            return;
        }

        int G = g.Groups, cg = g.CPerGroup, kg = g.KPerGroup, crs = cg * g.R * g.S;
        bool pointwise = IsPointwise(g);
        int chunk = ChunkPixels(g), nChunks = (P_ + chunk - 1) / chunk;
        ForItems(g.N * G * nChunks, (item, inner) =>
        {
            int n = item / (G * nChunks), rest = item % (G * nChunks), grp = rest / nChunks, ci = rest % nChunks;
            int p0 = ci * chunk, p1 = Math.Min(P_, p0 + chunk), len = p1 - p0;
            float* xg = px + ((long)n * geo.C + (long)grp * cg) * inPlane;
            float* yg = py + ((long)n * geo.K + (long)grp * kg) * outPlane;
            float* wg = pw + (long)grp * kg * crs;
            if (pointwise)
            {
                Sgemm.Run(false, false, kg, len, cg, 1f, wg, crs, xg + p0, inPlane, 0f, yg + p0, outPlane, inner);
            }
            else
            {
                var block = RentFloats((long)crs * len);
                try
                {
                    float* col = (float*)block.Pointer;
                    ForChannels(inner, cg, (c0, c1) => ColumnOps.Im2Col(geo, xg, c0, c1, p0, p1, col, len));
                    Sgemm.Run(false, false, kg, len, crs, 1f, wg, crs, col, len, 0f, yg + p0, outPlane, inner);
                }
                finally { Pool.Return(block); }
            }
            if (pb != null)
                for (int k = 0; k < kg; k++) VecOps.AddScalar(pb[grp * kg + k], yg + k * outPlane + p0, len);
        });
    }

    public void Conv2dBackwardData(in Conv2dGeometry g, Storage dy, Storage w, Storage dx)
    {
        g.Validate();
        var geo = g;
        float* pdy = P(dy), pw = P(w), pdx = P(dx);
        int P_ = g.OutH * g.OutW;
        long inPlane = (long)g.H * g.W, outPlane = P_;

        if (IsDepthwise(g))
        {
            ForItems(g.N * g.C, (item, _) =>
            {
                int n = item / geo.C, c = item % geo.C;
                Depthwise.BackwardData(geo, pdy + ((long)n * geo.K + c) * outPlane, pw + (long)c * geo.R * geo.S,
                    pdx + ((long)n * geo.C + c) * inPlane);
            });
            return;
        }

        int G = g.Groups, cg = g.CPerGroup, kg = g.KPerGroup, crs = cg * g.R * g.S;
        if (IsPointwise(g))
        {
            // dX[n,g] = W[g]^T (Cg x Kg) * dY[n,g]: disjoint column chunks, written with beta = 0.
            int chunkP = ChunkPixels(g), nChunksP = (P_ + chunkP - 1) / chunkP;
            ForItems(g.N * G * nChunksP, (item, inner) =>
            {
                int n = item / (G * nChunksP), rest = item % (G * nChunksP), grp = rest / nChunksP, ci = rest % nChunksP;
                int p0 = ci * chunkP, p1 = Math.Min(P_, p0 + chunkP);
                Sgemm.Run(true, false, cg, p1 - p0, kg, 1f, pw + (long)grp * kg * crs, cg,
                    pdy + ((long)n * geo.K + (long)grp * kg) * outPlane + p0, outPlane, 0f,
                    pdx + ((long)n * geo.C + (long)grp * cg) * inPlane + p0, inPlane, inner);
            });
            return;
        }

        // Chunks of one (image, group) overlap in dX through col2im, so they run in order inside one item.
        int chunk = ChunkPixels(g), nChunks = (P_ + chunk - 1) / chunk;
        ForItems(g.N * G, (item, inner) =>
        {
            int n = item / G, grp = item % G;
            float* dxg = pdx + ((long)n * geo.C + (long)grp * cg) * inPlane;
            float* dyg = pdy + ((long)n * geo.K + (long)grp * kg) * outPlane;
            float* wg = pw + (long)grp * kg * crs;
            new Span<float>(dxg, checked((int)(cg * inPlane))).Clear();
            var block = RentFloats((long)crs * chunk);
            try
            {
                float* col = (float*)block.Pointer;
                for (int ci = 0; ci < nChunks; ci++)
                {
                    int p0 = ci * chunk, p1 = Math.Min(P_, p0 + chunk), len = p1 - p0;
                    Sgemm.Run(true, false, crs, len, kg, 1f, wg, crs, dyg + p0, outPlane, 0f, col, len, inner);
                    ForChannels(inner, cg, (c0, c1) => ColumnOps.Col2ImAdd(geo, dxg, c0, c1, p0, p1, col, len));
                }
            }
            finally { Pool.Return(block); }
        });
    }

    public void Conv2dBackwardWeight(in Conv2dGeometry g, Storage x, Storage dy, Storage dw, Storage? dbias)
    {
        g.Validate();
        var geo = g;
        float* px = P(x), pdy = P(dy), pdw = P(dw);
        int P_ = g.OutH * g.OutW;
        long inPlane = (long)g.H * g.W, outPlane = P_;

        if (dbias is not null) BiasGradient(g, pdy, P(dbias));

        if (IsDepthwise(g))
        {
            ForItems(g.C, (c, _) => Depthwise.BackwardWeight(geo, px, pdy, c, pdw + (long)c * geo.R * geo.S));
            return;
        }

        int G = g.Groups, cg = g.CPerGroup, kg = g.KPerGroup, crs = cg * g.R * g.S;
        bool pointwise = IsPointwise(g);
        int chunk = ChunkPixels(g), nChunks = (P_ + chunk - 1) / chunk;
        int partials = Math.Min(g.N, MaxWeightPartials);
        long groupW = (long)kg * crs;
        CpuMemoryPool.Block? partialBlock = partials > 1 ? RentFloats(groupW * G * partials) : null;
        try
        {
            float* part = partialBlock is null ? null : (float*)partialBlock.Pointer;
            ForItems(G * partials, (item, inner) =>
            {
                int grp = item / partials, pi = item % partials;
                float* target = part == null ? pdw + grp * groupW : part + ((long)grp * partials + pi) * groupW;
                float* wgDy0 = pdy + (long)grp * kg * outPlane;
                float* xg0 = px + (long)grp * cg * inPlane;
                var block = pointwise ? null : RentFloats((long)crs * chunk);
                try
                {
                    float* col = block is null ? null : (float*)block.Pointer;
                    bool first = true;
                    for (int n = pi; n < geo.N; n += partials)
                    {
                        float* dyg = wgDy0 + (long)n * geo.K * outPlane;
                        float* xg = xg0 + (long)n * geo.C * inPlane;
                        for (int ci = 0; ci < nChunks; ci++)
                        {
                            int p0 = ci * chunk, p1 = Math.Min(P_, p0 + chunk), len = p1 - p0;
                            float beta = first ? 0f : 1f;
                            if (pointwise)
                            {
                                Sgemm.Run(false, true, kg, cg, len, 1f, dyg + p0, outPlane, xg + p0, inPlane, beta, target, cg, inner);
                            }
                            else
                            {
                                ForChannels(inner, cg, (c0, c1) => ColumnOps.Im2Col(geo, xg, c0, c1, p0, p1, col, len));
                                Sgemm.Run(false, true, kg, crs, len, 1f, dyg + p0, outPlane, col, len, beta, target, crs, inner);
                            }
                            first = false;
                        }
                    }
                }
                finally { if (block is not null) Pool.Return(block); }
            });

            if (part != null)
            {
                // dW[g] = partial 0 + partial 1 + ... in this order; split over disjoint element ranges.
                long total = groupW;
                ForChannels(Threads, G * 16, (s0, s1) =>
                {
                    for (int s = s0; s < s1; s++)
                    {
                        int grp = s / 16, piece = s % 16;
                        long e0 = total * piece / 16, e1 = total * (piece + 1) / 16;
                        float* dst = pdw + grp * groupW + e0;
                        float* src = part + (long)grp * partials * groupW + e0;
                        new ReadOnlySpan<float>(src, (int)(e1 - e0)).CopyTo(new Span<float>(dst, (int)(e1 - e0)));
                        for (int pi = 1; pi < partials; pi++) VecOps.Add(src + pi * groupW, dst, (int)(e1 - e0));
                    }
                });
            }
        }
        finally { if (partialBlock is not null) Pool.Return(partialBlock); }
    }

    /// <summary>dbias[k] = sum over n, oh, ow of dy: per channel, planes in image order, each plane a fixed-order sum.</summary>
    private void BiasGradient(in Conv2dGeometry g, float* pdy, float* pdb)
    {
        int K = g.K, N = g.N, plane = g.OutH * g.OutW;
        ForChannels(Threads, K, (k0, k1) =>
        {
            for (int k = k0; k < k1; k++)
            {
                double acc = 0;
                for (int n = 0; n < N; n++) acc += VecOps.Sum(pdy + ((long)n * K + k) * plane, plane);
                pdb[k] = (float)acc;
            }
        });
    }
}
