using VisionCuda.Cpu.Diagnostics;
using VisionCuda.Backends;
using VisionCuda.Cpu.Conv;
using VisionCuda.Cpu.Gemm;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// Conv2d on the Cpu backend. Per image n and group g (Cg = C/G input channels, Kg = K/G filters, CRS = Cg*R*S):
///
///   forward          Y[n,g] (Kg x P)   = W[g] (Kg x CRS) * col(X[n,g]) (CRS x P)
///   backward-data    dcol   (CRS x P)  = W[g]^T * dY[n,g];  dX[n,g] = col2im(dcol)
///                    (stride 1: instead the forward conv of dY with flipped, in/out-swapped filters)
///   backward-weight  dW[g]  (Kg x CRS) = sum_n dY[n,g] * col(X[n,g])^T
///
/// where P = OH*OW is cut into pixel chunks so that a column chunk (CRS x chunk) stays in L2. The chunk is
/// written with a cache-line-aligned leading dimension and fed to the micro-kernel as is, without a second
/// packing copy; the weights are read in place too (Gemm/DirectGemm.cs). Column buffers come from the
/// backend's pool, so repeated calls reuse them. 1x1 / stride 1 / no padding skips im2col (the NCHW plane
/// already is the column matrix; the packed SGEMM runs on it); depthwise (Cg == Kg == 1) runs a direct loop.
///
/// Threads: work items are (image, group[, chunk]); when there are fewer items than threads the GEMMs inside
/// one item are threaded instead. Backward-weight sums images into P = min(N, 8) partials (fewer for big
/// weights; image n goes to partial n mod P, in image order), then adds the partials in order: the partition
/// is fixed by the shape alone, so dW is bitwise the same for any thread count and timing.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>Floats in one column chunk (512 KB), sized for a 1 MB L2 next to the packed GEMM panels.</summary>
    private const long ColumnChunkFloats = 128 * 1024;

    private const int MaxWeightPartials = 8;

    /// <summary>Cap on the backward-weight partial buffers (16 MB): big layers use fewer partials.</summary>
    private const long MaxPartialFloats = 4L << 20;

    private static bool IsPointwise(in Conv2dGeometry g)
        => g.R == 1 && g.S == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadH == 0 && g.PadW == 0;

    private static bool IsDepthwise(in Conv2dGeometry g) => g.CPerGroup == 1 && g.KPerGroup == 1;

    /// <summary>Pixels per chunk: a multiple of 32 (both kernels' NR) unless one chunk covers the whole plane.</summary>
    private static int ChunkPixels(in Conv2dGeometry g)
    {
        int p = g.OutH * g.OutW;
        long rows = (long)g.CPerGroup * g.R * g.S;
        long chunk = Math.Max(64, ColumnChunkFloats / rows);
        if (chunk >= p) return p;
        int nChunks = (int)((p + chunk - 1) / chunk);
        int even = (p + nChunks - 1) / nChunks;          // balance the chunks
        return Math.Min(p, (even + 31) / 32 * 32);
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

    /// <summary>
    /// Packs op(W[g]) (m x k) of every group once per call into whole-K micro-kernel slivers, shared read-only
    /// by all work items: the kernel then streams one contiguous sliver instead of MR strided rows.
    /// Group g's slivers start at <c>result + g * PackedWeightFloats(m, k, mr)</c>.
    /// </summary>
    private CpuMemoryPool.Block PackWeights(bool trans, float* w, int groups, long groupStride, int m, int k, int mr)
    {
        long per = PackedWeightFloats(m, k, mr);
        var block = RentFloats(per * groups);
        float* dst = (float*)block.Pointer;
        for (int grp = 0; grp < groups; grp++)
            Packing.PackA(trans, w + grp * groupStride, trans ? m : k, 0, m, 0, k, dst + grp * per, mr);
        return block;
    }

    private static long PackedWeightFloats(int m, int k, int mr) => (long)((m + mr - 1) / mr) * mr * k;

    public void Conv2dForward(in Conv2dGeometry g, Storage x, Storage w, Storage? bias, Storage y)
    {
        using var profiled = Profile is null ? default : Time(CpuOpProfile.ConvKey("fwd", g));
        g.Validate();
        ForwardCore(g, P(x), P(w), bias is null ? null : P(bias), P(y), Micro.Wide);
    }

    private void ForwardCore(Conv2dGeometry geo, float* px, float* pw, float* pb, float* py, bool wide)
    {
        var g = geo;
        int NR = wide ? Kernel8x32.NR : Kernel6x16.NR;
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
        int MR = wide ? Kernel8x32.MR : Kernel6x16.MR;
        var packedW = pointwise ? null : PackWeights(false, pw, G, (long)kg * crs, kg, crs, MR);
        float* pwPacked = packedW is null ? null : (float*)packedW.Pointer;
        long packedPer = PackedWeightFloats(kg, crs, MR);
        try
        {
            ForItems(g.N * G * nChunks, (item, inner) =>
            {
                int n = item / (G * nChunks), rest = item % (G * nChunks), grp = rest / nChunks, ci = rest % nChunks;
                int p0 = ci * chunk, p1 = Math.Min(P_, p0 + chunk), len = p1 - p0;
                float* xg = px + ((long)n * geo.C + (long)grp * cg) * inPlane;
                float* yg = py + ((long)n * geo.K + (long)grp * kg) * outPlane;
                float* wg = pw + (long)grp * kg * crs;
                var o = new DirectGemm.Operands
                {
                    M = kg, N = len, K = crs, A = pwPacked + grp * packedPer, APacked = true, Bss = NR, Alpha = 1f, Beta = 0f, Wide = wide,
                    C = yg + p0, Ldc = outPlane,
                };
                if (pointwise)
                {
                    // The plane's row stride (H*W) can map many k rows onto few L1 sets: pack B instead.
                    Sgemm.Run(false, false, kg, len, cg, 1f, wg, cg, xg + p0, inPlane, 0f, yg + p0, outPlane, inner, wide);
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
        finally { if (packedW is not null) Pool.Return(packedW); }
    }

    public void Conv2dBackwardData(in Conv2dGeometry g, Storage dy, Storage w, Storage dx)
    {
        using var profiled = Profile is null ? default : Time(CpuOpProfile.ConvKey("bwdX", g));
        g.Validate();
        var geo = g;
        bool wide = Micro.Wide;
        int NR = wide ? Kernel8x32.NR : Kernel6x16.NR;
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
        if (!IsPointwise(g) && AsTransposedForward(g, out var tg))
        {
            // Stride 1: dX is the forward conv of dY with the flipped, in/out-swapped filters (no col2im).
            var flipped = RentFloats(g.WeightCount);
            try
            {
                FlipTransposeWeights(g, pw, (float*)flipped.Pointer);
                ForwardCore(tg, pdy, (float*)flipped.Pointer, null, pdx, wide);
            }
            finally { Pool.Return(flipped); }
            return;
        }
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
                    pdx + ((long)n * geo.C + (long)grp * cg) * inPlane + p0, inPlane, inner, wide);
            });
            return;
        }

        // Chunks of one (image, group) overlap in dX through col2im, so they run in order inside one item.
        int chunk = ChunkPixels(g), nChunks = (P_ + chunk - 1) / chunk;
        int MR = wide ? Kernel8x32.MR : Kernel6x16.MR;
        var packedWt = PackWeights(true, pw, G, (long)kg * crs, crs, kg, MR);
        float* pwtPacked = (float*)packedWt.Pointer;
        long packedPer = PackedWeightFloats(crs, kg, MR);
        try
        {
            ForItems(g.N * G, (item, inner) =>
            {
                int n = item / G, grp = item % G;
                float* dxg = pdx + ((long)n * geo.C + (long)grp * cg) * inPlane;
                float* dyg = pdy + ((long)n * geo.K + (long)grp * kg) * outPlane;
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
                            M = crs, N = len, K = kg, A = pwtPacked + grp * packedPer, APacked = true,
                            B = dyg + p0, Bss = NR, Bks = outPlane, Alpha = 1f, Beta = 0f, C = col, Ldc = ld, Wide = wide,
                        };
                        DirectGemm.Run(o, inner);
                        ForChannels(inner, cg, (c0, c1) => ColumnOps.Col2ImAdd(geo, dxg, c0, c1, p0, p1, col, ld));
                    }
                }
                finally { Pool.Return(block); }
            });
        }
        finally { Pool.Return(packedWt); }
    }

    public void Conv2dBackwardWeight(in Conv2dGeometry g, Storage x, Storage dy, Storage dw, Storage? dbias)
    {
        using var profiled = Profile is null ? default : Time(CpuOpProfile.ConvKey("bwdW", g));
        g.Validate();
        var geo = g;
        // The GEMM's N is Kg (filters per group): with Kg <= 16 the 32-wide kernel would compute half zeros (the first
        // yolov8n convs have 16 filters), so the 16-wide one runs there; the choice depends on the shape only.
        bool wide = Micro.Wide && g.KPerGroup > Kernel6x16.NR;
        int NR = wide ? Kernel8x32.NR : Kernel6x16.NR;
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
        long groupW = (long)kg * crs;
        // Fewer partials for big weights (memory), never fewer than one; the count depends on the shape only.
        int partials = (int)Math.Clamp(Math.Min(Math.Min(g.N, MaxWeightPartials), MaxPartialFloats / Math.Max(1, groupW * G)), 1, MaxWeightPartials);
        int kgPad = (kg + 31) & ~31, ldMax = Round16(chunk);
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
                            // B(p, j) = dY[j, p0 + p] packed as NR-wide slivers of len rows.
                            Packing.PackB(true, dyg + p0, outPlane, 0, len, 0, kg, dyT, NR);
                            var o = new DirectGemm.Operands
                            {
                                M = crs, N = kg, K = len, Aks = 1, B = dyT, Bss = (long)len * NR, Bks = NR, BPadded = true,
                                Alpha = 1f, Beta = first ? 0f : 1f, C = target, Ldc = kg, Wide = wide,
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

            // dW[g] = (partial 0 + partial 1 + ...)^T, partials added in this order. Split over (group, row) pairs, not
            // groups: with one group a serial pass over 8 partials of a 256x128x3x3 weight is a few ms of one thread.
            long rowGrain = Math.Max(1, CpuParallel.ElementGrain / Math.Max(1, (long)kg * partials));
            CpuParallel.For(Threads, (long)G * crs, rowGrain, (r0, r1) =>
            {
                for (long row = r0; row < r1; row++)
                {
                    int grp = (int)(row / crs), i = (int)(row % crs);
                    float* p0 = part + (long)grp * partials * groupW + (long)i * kg;
                    for (int pi = 1; pi < partials; pi++) VecOps.Add(p0 + pi * groupW, p0, kg);
                    float* dst = pdw + grp * groupW + i;
                    for (int k = 0; k < kg; k++) dst[(long)k * crs] = p0[k];
                }
            });
        }
        finally { Pool.Return(partialBlock); }
    }

    /// <summary>
    /// Leading dimension of a column buffer: at least the columns rounded up to 32 (so the last NR-wide sliver
    /// is readable), a multiple of 16 floats (whole cache lines), and an odd number of lines so that the 256 rows
    /// of a KC block spread over all L1 sets instead of a few.
    /// </summary>
    private static int Round16(int v) => ((v + 31) & ~31) + 16;

    /// <summary>
    /// For stride 1, dX[c, h, w] = sum_{k,r,s} dY[k, h + p - r*d, w + q - s*d] * W[k, c, r, s] is a forward conv of
    /// dY (K channels, OH x OW) with W'[c, k, r', s'] = W[k, c, R-1-r', S-1-s'], padding d*(R-1) - p, same dilation
    /// and groups, whose output is exactly H x W. Not usable when the padding exceeds d*(R-1) (it would go negative).
    /// </summary>
    private static bool AsTransposedForward(in Conv2dGeometry g, out Conv2dGeometry t)
    {
        int padH = g.DilationH * (g.R - 1) - g.PadH, padW = g.DilationW * (g.S - 1) - g.PadW;
        t = new Conv2dGeometry(g.N, g.K, g.OutH, g.OutW, g.C, g.R, g.S, 1, 1, padH, padW, g.DilationH, g.DilationW, g.Groups);
        return g.StrideH == 1 && g.StrideW == 1 && padH >= 0 && padW >= 0 && t.OutH == g.H && t.OutW == g.W;
    }

    /// <summary>W'[g*Cg + c, k, r, s] = W[g*Kg + k, c, R-1-r, S-1-s] (weights of <see cref="AsTransposedForward"/>).</summary>
    private static void FlipTransposeWeights(in Conv2dGeometry g, float* w, float* wt)
    {
        int cg = g.CPerGroup, kg = g.KPerGroup, rs = g.R * g.S;
        for (int grp = 0; grp < g.Groups; grp++)
        for (int c = 0; c < cg; c++)
        for (int k = 0; k < kg; k++)
        {
            float* src = w + ((long)(grp * kg + k) * cg + c) * rs;
            float* dst = wt + ((long)(grp * cg + c) * kg + k) * rs;
            for (int i = 0; i < rs; i++) dst[i] = src[rs - 1 - i];
        }
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
