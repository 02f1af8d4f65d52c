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
            var o = new DirectGemm.Operands
            {
                M = kg, N = len, K = crs, A = wg, Ars = crs, Aks = 1, Bss = 16, Alpha = 1f, Beta = 0f,
                C = yg + p0, Ldc = outPlane,
            };
            if (pointwise)
            {
                // The plane's row stride (H*W) can map many k rows onto few L1 sets: pack B instead.
                Sgemm.Run(false, false, kg, len, cg, 1f, wg, cg, xg + p0, inPlane, 0f, yg + p0, outPlane, inner);
            }
            else
            {
                int ld = Round16(len);
                var block = RentFloats((long)crs * ld);
                try
                {
                    float* col = (float*)block.Pointer;
                    ForChannels(inner, cg, (c0, c1) => ColumnOps.Im2Col(geo, xg, c0, c1, p0, p1, col, ld));
                    o.B = col; o.Bks = ld; o.BPadded = true;
                    DirectGemm.Run(o, inner);
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
            var block = RentFloats((long)crs * Round16(chunk));
            try
            {
                float* col = (float*)block.Pointer;
                for (int ci = 0; ci < nChunks; ci++)
                {
                    int p0 = ci * chunk, p1 = Math.Min(P_, p0 + chunk), len = p1 - p0, ld = Round16(len);
                    var o = new DirectGemm.Operands
                    {
                        M = crs, N = len, K = kg, A = wg, Ars = 1, Aks = crs,
                        B = dyg + p0, Bss = 16, Bks = outPlane, Alpha = 1f, Beta = 0f, C = col, Ldc = ld,
                    };
                    DirectGemm.Run(o, inner);
                    ForChannels(inner, cg, (c0, c1) => ColumnOps.Col2ImAdd(geo, dxg, c0, c1, p0, p1, col, ld));
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
        int kgPad = Round16(kg), ldMax = Round16(chunk);
        // Partials hold dW^T (crs x kg): the big operand (the column chunk) is then the GEMM's A, read in place.
        var partialBlock = RentFloats(groupW * G * partials);
        try
        {
            float* part = (float*)partialBlock.Pointer;
            ForItems(G * partials, (item, inner) =>
            {
                int grp = item / partials, pi = item % partials;
                float* target = part + ((long)grp * partials + pi) * groupW;
                float* dy0 = pdy + (long)grp * kg * outPlane;
                float* x0 = px + (long)grp * cg * inPlane;
                var colBlock = pointwise ? null : RentFloats((long)crs * ldMax);
                var dyBlock = RentFloats((long)kgPad * chunk);
                try
                {
                    float* col = colBlock is null ? null : (float*)colBlock.Pointer;
                    float* dyT = (float*)dyBlock.Pointer;
                    bool first = true;
                    for (int n = pi; n < geo.N; n += partials)
                    {
                        float* dyg = dy0 + (long)n * geo.K * outPlane;
                        float* xg = x0 + (long)n * geo.C * inPlane;
                        for (int ci = 0; ci < nChunks; ci++)
                        {
                            int p0 = ci * chunk, p1 = Math.Min(P_, p0 + chunk), len = p1 - p0;
                            // B(p, j) = dY[j, p0 + p] packed as 16-wide slivers of len rows.
                            Packing.PackB(true, dyg + p0, outPlane, 0, len, 0, kg, dyT);
                            var o = new DirectGemm.Operands
                            {
                                M = crs, N = kg, K = len, Aks = 1, B = dyT, Bss = (long)len * 16, Bks = 16, BPadded = true,
                                Alpha = 1f, Beta = first ? 0f : 1f, C = target, Ldc = kg,
                            };
                            if (pointwise)
                            {
                                o.A = xg + p0; o.Ars = inPlane;
                            }
                            else
                            {
                                int ld = Round16(len);
                                ForChannels(inner, cg, (c0, c1) => ColumnOps.Im2Col(geo, xg, c0, c1, p0, p1, col, ld));
                                o.A = col; o.Ars = ld;
                            }
                            DirectGemm.Run(o, inner);
                            first = false;
                        }
                    }
                }
                finally
                {
                    if (colBlock is not null) Pool.Return(colBlock);
                    Pool.Return(dyBlock);
                }
            });

            // dW[g] = (partial 0 + partial 1 + ...)^T, partials added in this order.
            ForChannels(Threads, G, (g0, g1) =>
            {
                for (int grp = g0; grp < g1; grp++)
                {
                    float* p0 = part + (long)grp * partials * groupW;
                    for (int pi = 1; pi < partials; pi++) VecOps.Add(p0 + pi * groupW, p0, (int)groupW);
                    float* dst = pdw + grp * groupW;
                    for (int i = 0; i < crs; i++)
                        for (int k = 0; k < kg; k++) dst[(long)k * crs + i] = p0[(long)i * kg + k];
                }
            });
        }
        finally { Pool.Return(partialBlock); }
    }

    /// <summary>
    /// Leading dimension of a column buffer: a multiple of 16 floats (one cache line, so the micro-kernel reads
    /// whole lines), made an odd number of lines so that the 256 rows of a KC block spread over all L1 sets.
    /// </summary>
    private static int Round16(int v)
    {
        int ld = (v + 15) & ~15;
        return (ld / 16) % 2 == 0 ? ld + 16 : ld;
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
