// pool.cu -- max and average pooling over NCHW planes, forward and backward (Pool2dGeometry semantics).
//
// Forward: one thread per output (plane, oh, ow). Window rows hstart = oh*sH - pH .. hstart + kH (clipped).
//   max: first maximum wins (strict >); indices[o] = h*W + w inside the plane (what PyTorch returns).
//   avg: PyTorch's divisor: the window clipped to [-pad, size+pad) when countIncludePad, else the count of
//        real (unpadded) taps.
// Backward: one thread per input element (plane, h, w), gathering over the output windows that contain it
//   (oh in [ceil((h+pH-kH+1)/sH), floor((h+pH)/sH)]), in a fixed order: no atomics, deterministic, and dx is
//   fully overwritten.
// Assumes: padding <= kernel/2 (validated by the caller), so every window has at least one real tap.
#include "common.cuh"

VC_KERNEL vc_maxpool2d_fwd_f32(const float* x, float* y, int* indices, long long planes, int H, int W,
                               int kH, int kW, int sH, int sW, int pH, int pW, int OH, int OW)
{
    long long total = planes * OH * OW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int ow = (int)(i % OW);
        long long t = i / OW;
        int oh = (int)(t % OH);
        long long pl = t / OH;
        const float* xp = x + pl * H * W;
        int h0 = oh * sH - pH, w0 = ow * sW - pW;
        int h1 = h0 + kH < H ? h0 + kH : H;
        int w1 = w0 + kW < W ? w0 + kW : W;
        if (h0 < 0) h0 = 0;
        if (w0 < 0) w0 = 0;
        float best = -VC_INF;
        int bi = h0 * W + w0;
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
            {
                float v = xp[h * W + w];
                if (v > best || v != v) { best = v; bi = h * W + w; if (v != v) { h = h1; break; } }
            }
        y[i] = best;
        indices[i] = bi;
    }
}
VC_REGISTER(vc_maxpool2d_fwd_f32);

VC_KERNEL vc_maxpool2d_bwd_f32(const float* dy, const int* indices, float* dx, long long planes, int H, int W,
                               int kH, int kW, int sH, int sW, int pH, int pW, int OH, int OW)
{
    long long total = planes * H * W;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int w = (int)(i % W);
        long long t = i / W;
        int h = (int)(t % H);
        long long pl = t / H;
        int ohLo = h + pH - kH + 1; ohLo = ohLo <= 0 ? 0 : (ohLo + sH - 1) / sH;
        int owLo = w + pW - kW + 1; owLo = owLo <= 0 ? 0 : (owLo + sW - 1) / sW;
        int ohHi = (h + pH) / sH; if (ohHi > OH - 1) ohHi = OH - 1;
        int owHi = (w + pW) / sW; if (owHi > OW - 1) owHi = OW - 1;
        int self = h * W + w;
        float acc = 0.0f;
        const float* dyp = dy + pl * OH * OW;
        const int* ip = indices + pl * OH * OW;
        for (int oh = ohLo; oh <= ohHi; oh++)
            for (int ow = owLo; ow <= owHi; ow++)
                if (ip[oh * OW + ow] == self) acc += dyp[oh * OW + ow];
        dx[i] = acc;
    }
}
VC_REGISTER(vc_maxpool2d_bwd_f32);

VC_DEVICE int pl_avg_divisor(int oh, int ow, int H, int W, int kH, int kW, int sH, int sW, int pH, int pW, int includePad,
                             int* h0o, int* h1o, int* w0o, int* w1o)
{
    int h0 = oh * sH - pH, w0 = ow * sW - pW;
    int h1 = h0 + kH < H + pH ? h0 + kH : H + pH;
    int w1 = w0 + kW < W + pW ? w0 + kW : W + pW;
    int poolSize = (h1 - h0) * (w1 - w0);
    if (h0 < 0) h0 = 0;
    if (w0 < 0) w0 = 0;
    if (h1 > H) h1 = H;
    if (w1 > W) w1 = W;
    *h0o = h0; *h1o = h1; *w0o = w0; *w1o = w1;
    return includePad ? poolSize : (h1 - h0) * (w1 - w0);
}

VC_KERNEL vc_avgpool2d_fwd_f32(const float* x, float* y, long long planes, int H, int W,
                               int kH, int kW, int sH, int sW, int pH, int pW, int OH, int OW, int includePad)
{
    long long total = planes * OH * OW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int ow = (int)(i % OW);
        long long t = i / OW;
        int oh = (int)(t % OH);
        long long pl = t / OH;
        const float* xp = x + pl * H * W;
        int h0, h1, w0, w1;
        int div = pl_avg_divisor(oh, ow, H, W, kH, kW, sH, sW, pH, pW, includePad, &h0, &h1, &w0, &w1);
        float acc = 0.0f;
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++) acc += xp[h * W + w];
        y[i] = acc / (float)div;
    }
}
VC_REGISTER(vc_avgpool2d_fwd_f32);

VC_KERNEL vc_avgpool2d_bwd_f32(const float* dy, float* dx, long long planes, int H, int W,
                               int kH, int kW, int sH, int sW, int pH, int pW, int OH, int OW, int includePad)
{
    long long total = planes * H * W;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int w = (int)(i % W);
        long long t = i / W;
        int h = (int)(t % H);
        long long pl = t / H;
        int ohLo = h + pH - kH + 1; ohLo = ohLo <= 0 ? 0 : (ohLo + sH - 1) / sH;
        int owLo = w + pW - kW + 1; owLo = owLo <= 0 ? 0 : (owLo + sW - 1) / sW;
        int ohHi = (h + pH) / sH; if (ohHi > OH - 1) ohHi = OH - 1;
        int owHi = (w + pW) / sW; if (owHi > OW - 1) owHi = OW - 1;
        float acc = 0.0f;
        const float* dyp = dy + pl * OH * OW;
        for (int oh = ohLo; oh <= ohHi; oh++)
            for (int ow = owLo; ow <= owHi; ow++)
            {
                int h0, h1, w0, w1;
                int div = pl_avg_divisor(oh, ow, H, W, kH, kW, sH, sW, pH, pW, includePad, &h0, &h1, &w0, &w1);
                if (h >= h0 && h < h1 && w >= w0 && w < w1) acc += dyp[oh * OW + ow] / (float)div;
            }
        dx[i] = acc;
    }
}
VC_REGISTER(vc_avgpool2d_bwd_f32);
