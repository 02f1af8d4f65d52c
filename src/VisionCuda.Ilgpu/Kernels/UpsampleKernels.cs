using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Nearest and bilinear resize of [planes, H, W] with tap tables computed on the host by the same float formulas as
/// the Cpu backend (so both pick the same source pixels and weights). Per axis the int table holds
/// [i0 (out) | i1 (out) | lo (in) | hi (in)] and the float table [l0 (out) | l1 (out)], where [lo, hi) is the
/// contiguous range of outputs whose taps touch an input index. The backward is a gather over that range, adding
/// contributions in the Cpu backend's scatter order, so it needs no atomics and is deterministic.
/// </summary>
internal static class UpsampleKernels
{
    public static void Forward(Index1D t, ArrayView<float> x, ArrayView<float> y, ArrayView<int> th, ArrayView<float> lh,
                               ArrayView<int> tw, ArrayView<float> lw, ResizeArgs a)
    {
        long i = t;
        int j = (int)(i % a.OutW); i /= a.OutW;
        int r = (int)(i % a.OutH);
        long p = i / a.OutH;
        long plane = p * a.H * a.W;
        int h0 = th[r], w0 = tw[j];
        if (a.Bilinear == 0)
        {
            y[t] = x[plane + (long)h0 * a.W + w0];
            return;
        }
        int h1 = th[a.OutH + r], w1 = tw[a.OutW + j];
        float lh0 = lh[r], lh1 = lh[a.OutH + r], lw0 = lw[j], lw1 = lw[a.OutW + j];
        long r0 = plane + (long)h0 * a.W, r1 = plane + (long)h1 * a.W;
        y[t] = lh0 * (lw0 * x[r0 + w0] + lw1 * x[r0 + w1]) + lh1 * (lw0 * x[r1 + w0] + lw1 * x[r1 + w1]);
    }

    public static void Backward(Index1D t, ArrayView<float> dy, ArrayView<float> dx, ArrayView<int> th, ArrayView<float> lh,
                                ArrayView<int> tw, ArrayView<float> lw, ResizeArgs a)
    {
        long i = t;
        int w = (int)(i % a.W); i /= a.W;
        int h = (int)(i % a.H);
        long p = i / a.H;
        long outPlane = p * a.OutH * a.OutW;
        int rlo = th[2 * a.OutH + h], rhi = th[2 * a.OutH + a.H + h];
        int clo = tw[2 * a.OutW + w], chi = tw[2 * a.OutW + a.W + w];
        float sum = 0f;
        for (int r = rlo; r < rhi; r++)
        {
            int h0 = th[r], h1 = th[a.OutH + r];
            float lh0 = lh[r], lh1 = lh[a.OutH + r];
            for (int j = clo; j < chi; j++)
            {
                float g = dy[outPlane + (long)r * a.OutW + j];
                int w0 = tw[j], w1 = tw[a.OutW + j];
                if (a.Bilinear == 0)
                {
                    if (h0 == h && w0 == w) sum += g;
                    continue;
                }
                float lw0 = lw[j], lw1 = lw[a.OutW + j];
                if (h0 == h && w0 == w) sum += lh0 * lw0 * g;
                if (h0 == h && w1 == w) sum += lh0 * lw1 * g;
                if (h1 == h && w0 == w) sum += lh1 * lw0 * g;
                if (h1 == h && w1 == w) sum += lh1 * lw1 * g;
            }
        }
        dx[t] = sum;
    }
}

internal struct ResizeArgs
{
    public int H, W, OutH, OutW, Bilinear;
}
