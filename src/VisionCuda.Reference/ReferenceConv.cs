namespace VisionCuda.Reference;

/// <summary>
/// Conv2d geometry for the oracle, NCHW input, weights [K, C/Groups, R, S]. Kept apart from the Core's
/// Conv2dGeometry on purpose: this project references nothing, so a mistake in the Core cannot leak in.
/// </summary>
public readonly record struct RefConvGeometry(
    int N, int C, int H, int W,
    int K, int R, int S,
    int StrideH = 1, int StrideW = 1,
    int PadH = 0, int PadW = 0,
    int DilationH = 1, int DilationW = 1,
    int Groups = 1)
{
    public int OutH => (H + 2 * PadH - DilationH * (R - 1) - 1) / StrideH + 1;
    public int OutW => (W + 2 * PadW - DilationW * (S - 1) - 1) / StrideW + 1;
}

/// <summary>
/// The naive conv2d oracle: the definition written as nested loops, double accumulation, no im2col, no
/// SIMD, no threads. Every output element is computed from scratch, so the three kernels are independent
/// of one another (backward-data and backward-weight do not reuse the forward).
/// </summary>
public static class ReferenceConv
{
    /// <summary>y[n,k,oh,ow] = sum_{c,r,s} x[n, g*Cg+c, oh*sh-ph+r*dh, ow*sw-pw+s*dw] * w[k,c,r,s] (+ bias[k]).</summary>
    public static void Forward(in RefConvGeometry g, float[] x, float[] w, float[]? bias, float[] y)
    {
        int cg = g.C / g.Groups, kg = g.K / g.Groups, oh = g.OutH, ow = g.OutW;
        for (int n = 0; n < g.N; n++)
        for (int k = 0; k < g.K; k++)
        {
            int grp = k / kg;
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double sum = bias is null ? 0.0 : bias[k];
                for (int c = 0; c < cg; c++)
                for (int r = 0; r < g.R; r++)
                {
                    int ih = i * g.StrideH - g.PadH + r * g.DilationH;
                    if (ih < 0 || ih >= g.H) continue;
                    for (int s = 0; s < g.S; s++)
                    {
                        int iw = j * g.StrideW - g.PadW + s * g.DilationW;
                        if (iw < 0 || iw >= g.W) continue;
                        float xv = x[(((long)n * g.C + grp * cg + c) * g.H + ih) * g.W + iw];
                        float wv = w[(((long)k * cg + c) * g.R + r) * g.S + s];
                        sum += (double)xv * wv;
                    }
                }
                y[(((long)n * g.K + k) * oh + i) * ow + j] = (float)sum;
            }
        }
    }

    /// <summary>dx[n,c,h,w] = sum over every (k,oh,ow,r,s) whose window reads (h,w) of dy * w. Overwrites dx.</summary>
    public static void BackwardData(in RefConvGeometry g, float[] dy, float[] w, float[] dx)
    {
        int cg = g.C / g.Groups, kg = g.K / g.Groups, oh = g.OutH, ow = g.OutW;
        for (int n = 0; n < g.N; n++)
        for (int ch = 0; ch < g.C; ch++)
        {
            int grp = ch / cg, c = ch % cg;
            for (int h = 0; h < g.H; h++)
            for (int x = 0; x < g.W; x++)
            {
                double sum = 0;
                for (int r = 0; r < g.R; r++)
                {
                    int t = h + g.PadH - r * g.DilationH;
                    if (t < 0 || t % g.StrideH != 0) continue;
                    int i = t / g.StrideH;
                    if (i >= oh) continue;
                    for (int s = 0; s < g.S; s++)
                    {
                        int u = x + g.PadW - s * g.DilationW;
                        if (u < 0 || u % g.StrideW != 0) continue;
                        int j = u / g.StrideW;
                        if (j >= ow) continue;
                        for (int kk = 0; kk < kg; kk++)
                        {
                            int k = grp * kg + kk;
                            sum += (double)dy[(((long)n * g.K + k) * oh + i) * ow + j]
                                 * w[(((long)k * cg + c) * g.R + r) * g.S + s];
                        }
                    }
                }
                dx[(((long)n * g.C + ch) * g.H + h) * g.W + x] = (float)sum;
            }
        }
    }

    /// <summary>dw[k,c,r,s] = sum_{n,oh,ow} dy[n,k,oh,ow] * x[n, g*Cg+c, ih, iw]; dbias[k] = sum_{n,oh,ow} dy. Overwrites both.</summary>
    public static void BackwardWeight(in RefConvGeometry g, float[] x, float[] dy, float[] dw, float[]? dbias)
    {
        int cg = g.C / g.Groups, kg = g.K / g.Groups, oh = g.OutH, ow = g.OutW;
        for (int k = 0; k < g.K; k++)
        {
            int grp = k / kg;
            for (int c = 0; c < cg; c++)
            for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++)
            {
                double sum = 0;
                for (int n = 0; n < g.N; n++)
                for (int i = 0; i < oh; i++)
                {
                    int ih = i * g.StrideH - g.PadH + r * g.DilationH;
                    if (ih < 0 || ih >= g.H) continue;
                    for (int j = 0; j < ow; j++)
                    {
                        int iw = j * g.StrideW - g.PadW + s * g.DilationW;
                        if (iw < 0 || iw >= g.W) continue;
                        sum += (double)dy[(((long)n * g.K + k) * oh + i) * ow + j]
                             * x[(((long)n * g.C + grp * cg + c) * g.H + ih) * g.W + iw];
                    }
                }
                dw[(((long)k * cg + c) * g.R + r) * g.S + s] = (float)sum;
            }
            if (dbias is not null)
            {
                double b = 0;
                for (int n = 0; n < g.N; n++)
                for (int i = 0; i < oh * ow; i++)
                    b += dy[((long)n * g.K + k) * oh * ow + i];
                dbias[k] = (float)b;
            }
        }
    }
}
