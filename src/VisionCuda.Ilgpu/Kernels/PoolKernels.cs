using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Max and average pooling, one thread per output (forward) or per input element (backward, gather form: an input
/// pixel visits the windows that cover it, in output order, so the sums match the Cpu backend's scatter order and
/// need no atomics). Window bounds per axis are PyTorch's: start = o*stride - pad, end = min(start + k, size + pad),
/// clipped to [0, size); the avg divisor is the padded extent with count_include_pad, else the clipped one.
/// </summary>
internal static class PoolKernels
{
    public static void MaxForward(Index1D t, ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices, PoolGeo g)
    {
        long i = t;
        int ow = (int)(i % g.OW); i /= g.OW;
        int oh = (int)(i % g.OH);
        long p = i / g.OH;
        int hs = oh * g.SH - g.PH, ws = ow * g.SW - g.PW;
        int h1 = Min(Min(hs + g.KH, g.H + g.PH), g.H), w1 = Min(Min(ws + g.KW, g.W + g.PW), g.W);
        int h0 = Max(hs, 0), w0 = Max(ws, 0);
        long plane = p * g.H * g.W;
        float best = float.NegativeInfinity;
        int bi = h0 * g.W + w0;
        for (int ih = h0; ih < h1; ih++)
        {
            for (int iw = w0; iw < w1; iw++)
            {
                float v = x[plane + ih * g.W + iw];
                if (v > best || float.IsNaN(v))
                {
                    best = v;
                    bi = ih * g.W + iw;
                }
            }
        }
        y[t] = best;
        indices[t] = bi;
    }

    public static void MaxBackward(Index1D t, ArrayView<float> dy, ArrayView<int> indices, ArrayView<float> dx, PoolGeo g)
    {
        long i = t;
        int iw = (int)(i % g.W); i /= g.W;
        int ih = (int)(i % g.H);
        long p = i / g.H;
        int self = ih * g.W + iw;
        long outPlane = p * g.OH * g.OW;
        float sum = 0f;
        int oh0 = First(ih, g.KH, g.SH, g.PH), oh1 = Last(ih, g.SH, g.PH, g.OH);
        int ow0 = First(iw, g.KW, g.SW, g.PW), ow1 = Last(iw, g.SW, g.PW, g.OW);
        for (int oh = oh0; oh <= oh1; oh++)
            for (int ow = ow0; ow <= ow1; ow++)
            {
                long o = outPlane + oh * g.OW + ow;
                if (indices[o] == self) sum += dy[o];
            }
        dx[t] = sum;
    }

    public static void AvgForward(Index1D t, ArrayView<float> x, ArrayView<float> y, PoolGeo g)
    {
        long i = t;
        int ow = (int)(i % g.OW); i /= g.OW;
        int oh = (int)(i % g.OH);
        long p = i / g.OH;
        int div = Divisor(oh, ow, g, out int h0, out int h1, out int w0, out int w1);
        if (div == 0)
        {
            y[t] = 0f;
            return;
        }
        long plane = p * g.H * g.W;
        float sum = 0f;
        for (int ih = h0; ih < h1; ih++)
            for (int iw = w0; iw < w1; iw++)
                sum += x[plane + ih * g.W + iw];
        y[t] = sum / div;
    }

    public static void AvgBackward(Index1D t, ArrayView<float> dy, ArrayView<float> dx, PoolGeo g)
    {
        long i = t;
        int iw = (int)(i % g.W); i /= g.W;
        int ih = (int)(i % g.H);
        long p = i / g.H;
        long outPlane = p * g.OH * g.OW;
        float sum = 0f;
        int oh0 = First(ih, g.KH, g.SH, g.PH), oh1 = Last(ih, g.SH, g.PH, g.OH);
        int ow0 = First(iw, g.KW, g.SW, g.PW), ow1 = Last(iw, g.SW, g.PW, g.OW);
        for (int oh = oh0; oh <= oh1; oh++)
            for (int ow = ow0; ow <= ow1; ow++)
            {
                int div = Divisor(oh, ow, g, out int h0, out int h1, out int w0, out int w1);
                if (div == 0 || ih < h0 || ih >= h1 || iw < w0 || iw >= w1) continue;
                sum += dy[outPlane + oh * g.OW + ow] / div;
            }
        dx[t] = sum;
    }

    private static int Divisor(int oh, int ow, PoolGeo g, out int h0, out int h1, out int w0, out int w1)
    {
        int hs = oh * g.SH - g.PH, ws = ow * g.SW - g.PW;
        int he = Min(hs + g.KH, g.H + g.PH), we = Min(ws + g.KW, g.W + g.PW);
        h0 = Max(hs, 0); w0 = Max(ws, 0);
        h1 = Min(he, g.H); w1 = Min(we, g.W);
        int inside = Max(0, h1 - h0) * Max(0, w1 - w0);
        if (inside == 0) return 0;
        return g.CountIncludePad != 0 ? (he - hs) * (we - ws) : inside;
    }

    /// <summary>First output index whose window [o*s - pad, o*s - pad + k) contains input index x.</summary>
    private static int First(int x, int k, int s, int pad)
    {
        int num = x + pad - k + 1;
        return num <= 0 ? 0 : (num + s - 1) / s;
    }

    /// <summary>Last output index whose window starts at or before input index x.</summary>
    private static int Last(int x, int s, int pad, int outSize) => Min((x + pad) / s, outSize - 1);

    private static int Min(int a, int b) => a < b ? a : b;

    private static int Max(int a, int b) => a > b ? a : b;
}

internal struct PoolGeo
{
    public int N, C, H, W, KH, KW, SH, SW, PH, PW, OH, OW, CountIncludePad;
}
