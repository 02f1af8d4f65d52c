using VisionCuda.Backends;

namespace VisionCuda.Cpu.Conv;

/// <summary>
/// Direct depthwise conv (C == K == groups: one input plane, one R x S filter, one output plane). An im2col
/// GEMM would have m = 1, so instead each (r, s) tap is a scaled row add: y_row += w[r,s] * x_row shifted,
/// vectorised along the row when the stride is 1. Each plane is independent, so threads split planes.
/// </summary>
internal static unsafe class Depthwise
{
    public static void Forward(in Conv2dGeometry g, float* x, float* w, float bias, float* y)
    {
        int OH = g.OutH, OW = g.OutW, sw = g.StrideW;
        for (int oh = 0; oh < OH; oh++)
        {
            float* yrow = y + (long)oh * OW;
            new Span<float>(yrow, OW).Fill(bias);
            for (int r = 0; r < g.R; r++)
            {
                int ih = oh * g.StrideH - g.PadH + r * g.DilationH;
                if ((uint)ih >= (uint)g.H) continue;
                float* xrow = x + (long)ih * g.W;
                for (int s = 0; s < g.S; s++)
                {
                    int iwBase = s * g.DilationW - g.PadW;
                    ColumnOps.ValidRange(iwBase, sw, g.W, OW, out int lo, out int hi);
                    float wv = w[r * g.S + s];
                    float* src = xrow + iwBase;
                    if (sw == 1) VecOps.Axpy(wv, src + lo, yrow + lo, hi - lo);
                    else
                        for (int t = lo; t < hi; t++) yrow[t] = MathF.FusedMultiplyAdd(wv, src[t * sw], yrow[t]);
                }
            }
        }
    }

    public static void BackwardData(in Conv2dGeometry g, float* dy, float* w, float* dx)
    {
        int OH = g.OutH, OW = g.OutW, sw = g.StrideW;
        new Span<float>(dx, g.H * g.W).Clear();
        for (int oh = 0; oh < OH; oh++)
        {
            float* dyrow = dy + (long)oh * OW;
            for (int r = 0; r < g.R; r++)
            {
                int ih = oh * g.StrideH - g.PadH + r * g.DilationH;
                if ((uint)ih >= (uint)g.H) continue;
                float* dxrow = dx + (long)ih * g.W;
                for (int s = 0; s < g.S; s++)
                {
                    int iwBase = s * g.DilationW - g.PadW;
                    ColumnOps.ValidRange(iwBase, sw, g.W, OW, out int lo, out int hi);
                    float wv = w[r * g.S + s];
                    float* dst = dxrow + iwBase;
                    if (sw == 1) VecOps.Axpy(wv, dyrow + lo, dst + lo, hi - lo);
                    else
                        for (int t = lo; t < hi; t++) dst[t * sw] = MathF.FusedMultiplyAdd(wv, dyrow[t], dst[t * sw]);
                }
            }
        }
    }

    /// <summary>dw[c] (R x S) summed over the N images of channel c, in image order.</summary>
    public static void BackwardWeight(in Conv2dGeometry g, float* x, float* dy, int c, float* dw)
    {
        int OH = g.OutH, OW = g.OutW, sw = g.StrideW;
        long plane = (long)g.H * g.W, oplane = (long)OH * OW;
        for (int r = 0; r < g.R; r++)
        for (int s = 0; s < g.S; s++)
        {
            int iwBase = s * g.DilationW - g.PadW;
            ColumnOps.ValidRange(iwBase, sw, g.W, OW, out int lo, out int hi);
            double acc = 0;
            for (int n = 0; n < g.N; n++)
            {
                float* xp = x + ((long)n * g.C + c) * plane;
                float* dyp = dy + ((long)n * g.K + c) * oplane;
                for (int oh = 0; oh < OH; oh++)
                {
                    int ih = oh * g.StrideH - g.PadH + r * g.DilationH;
                    if ((uint)ih >= (uint)g.H) continue;
                    float* src = xp + (long)ih * g.W + iwBase;
                    float* dyrow = dyp + (long)oh * OW;
                    if (sw == 1) acc += VecOps.Dot(dyrow + lo, src + lo, hi - lo);
                    else
                    {
                        float part = 0f;
                        for (int t = lo; t < hi; t++) part = MathF.FusedMultiplyAdd(dyrow[t], src[t * sw], part);
                        acc += part;
                    }
                }
            }
            dw[r * g.S + s] = (float)acc;
        }
    }
}
