using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Direct conv2d kernels over NCHW with weights [K, C/g, R, S], one thread per element of the tensor being written
/// (y, dx, dw or dbias) looping over its receptive field in a fixed order, so there are no atomics and the results
/// are deterministic. Backward-data is the gather form: input pixel (h, w) collects the output positions whose
/// windows cover it (oh = (h + pad - r*dil) / stride when that divides exactly).
/// </summary>
internal static class ConvKernels
{
    public static void Forward(Index1D t, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, ConvGeo g, int hasBias)
    {
        long i = t;
        int ow = (int)(i % g.OW); i /= g.OW;
        int oh = (int)(i % g.OH); i /= g.OH;
        int k = (int)(i % g.K);
        long n = i / g.K;
        int cpg = g.C / g.G, grp = k / (g.K / g.G);
        float sum = 0f;
        for (int c = 0; c < cpg; c++)
        {
            long xPlane = (n * g.C + grp * cpg + c) * g.H * g.W;
            long wBase = ((long)k * cpg + c) * g.R * g.S;
            for (int r = 0; r < g.R; r++)
            {
                int ih = oh * g.SH - g.PH + r * g.DH;
                if (ih < 0 || ih >= g.H) continue;
                for (int s = 0; s < g.S; s++)
                {
                    int iw = ow * g.SW - g.PW + s * g.DW;
                    if (iw < 0 || iw >= g.W) continue;
                    sum += x[xPlane + (long)ih * g.W + iw] * w[wBase + r * g.S + s];
                }
            }
        }
        y[t] = hasBias != 0 ? sum + bias[k] : sum;
    }

    public static void BackwardData(Index1D t, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, ConvGeo g)
    {
        long i = t;
        int iw = (int)(i % g.W); i /= g.W;
        int ih = (int)(i % g.H); i /= g.H;
        int ci = (int)(i % g.C);
        long n = i / g.C;
        int cpg = g.C / g.G, kpg = g.K / g.G;
        int grp = ci / cpg, c = ci - grp * cpg;
        float sum = 0f;
        for (int kk = 0; kk < kpg; kk++)
        {
            int k = grp * kpg + kk;
            long dyPlane = (n * g.K + k) * g.OH * g.OW;
            long wBase = ((long)k * cpg + c) * g.R * g.S;
            for (int r = 0; r < g.R; r++)
            {
                int th = ih + g.PH - r * g.DH;
                if (th < 0 || th % g.SH != 0) continue;
                int oh = th / g.SH;
                if (oh >= g.OH) continue;
                for (int s = 0; s < g.S; s++)
                {
                    int tw = iw + g.PW - s * g.DW;
                    if (tw < 0 || tw % g.SW != 0) continue;
                    int ow = tw / g.SW;
                    if (ow >= g.OW) continue;
                    sum += dy[dyPlane + (long)oh * g.OW + ow] * w[wBase + r * g.S + s];
                }
            }
        }
        dx[t] = sum;
    }

    /// <summary>Thread = weight (k, c, r, s); sums dy*x over n, oh, ow (Kahan-compensated: the sum can be long).</summary>
    public static void BackwardWeight(Index1D t, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dw, ConvGeo g)
    {
        long i = t;
        int s = (int)(i % g.S); i /= g.S;
        int r = (int)(i % g.R); i /= g.R;
        int cpg = g.C / g.G;
        int c = (int)(i % cpg);
        int k = (int)(i / cpg);
        int grp = k / (g.K / g.G);
        int ci = grp * cpg + c;
        float sum = 0f, comp = 0f;
        for (long n = 0; n < g.N; n++)
        {
            long xPlane = (n * g.C + ci) * g.H * g.W;
            long dyPlane = (n * g.K + k) * g.OH * g.OW;
            for (int oh = 0; oh < g.OH; oh++)
            {
                int ih = oh * g.SH - g.PH + r * g.DH;
                if (ih < 0 || ih >= g.H) continue;
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int iw = ow * g.SW - g.PW + s * g.DW;
                    if (iw < 0 || iw >= g.W) continue;
                    ReduceKernels.KahanAdd(ref sum, ref comp, dy[dyPlane + (long)oh * g.OW + ow] * x[xPlane + (long)ih * g.W + iw]);
                }
            }
        }
        dw[t] = sum;
    }

    /// <summary>Thread = output channel k: dbias[k] = sum of dy over n, oh, ow.</summary>
    public static void BackwardBias(Index1D k, ArrayView<float> dy, ArrayView<float> dbias, ConvGeo g)
    {
        long plane = (long)g.OH * g.OW;
        float sum = 0f, comp = 0f;
        for (long n = 0; n < g.N; n++)
        {
            long b = (n * g.K + k) * plane;
            for (long q = 0; q < plane; q++) ReduceKernels.KahanAdd(ref sum, ref comp, dy[b + q]);
        }
        dbias[k] = sum;
    }
}

internal struct ConvGeo
{
    public int N, C, H, W, K, R, S, SH, SW, PH, PW, DH, DW, G, OH, OW;
}
