// upsample.cu -- nearest and bilinear resize of [planes, H, W] to [planes, OH, OW], and the backwards.
//
// Source coordinates follow PyTorch (scales computed in float from the sizes):
//   nearest:  src = min(floor(dst * (in/out)), in-1).
//   bilinear: alignCorners: src = dst * (in-1)/(out-1) (0 when out == 1);
//             otherwise src = max((dst + 0.5) * in/out - 0.5, 0). i0 = floor(src), i1 = min(i0+1, in-1),
//             weights (1-l, l) with l = src - i0. Separable in h and w.
// Forward: one thread per output element.
// Backward: one thread per dx element; it gathers over the output rows/cols that can reach it. The candidate
//   range comes from inverting the (monotone) source map with a margin of one, then every candidate is checked
//   exactly with the forward's own formulas, so dx matches the scatter-add definition with no atomics and a
//   fixed summation order (deterministic).
#include "common.cuh"

VC_DEVICE float up_scale(int in, int out, int alignCorners)
{
    if (alignCorners) return out > 1 ? (float)(in - 1) / (float)(out - 1) : 0.0f;
    return (float)in / (float)out;
}

VC_DEVICE int up_nearest(int dst, float scale, int in)
{
    int s = (int)vc_floorf((float)dst * scale);
    return s < in - 1 ? s : in - 1;
}

// Bilinear taps of output coordinate dst: indices i0, i1 and the weight l of i1.
VC_DEVICE void up_linear(int dst, float scale, int in, int alignCorners, int* i0, int* i1, float* l)
{
    float src = alignCorners ? (float)dst * scale : ((float)dst + 0.5f) * scale - 0.5f;
    if (src < 0.0f) src = 0.0f;
    int a = (int)src;
    if (a > in - 1) a = in - 1;
    *i0 = a;
    *i1 = a < in - 1 ? a + 1 : a;
    *l = src - (float)a;
}

// Weight with which output coordinate dst reads input coordinate idx (0 when it does not).
VC_DEVICE float up_weight(int mode, int dst, float scale, int in, int alignCorners, int idx)
{
    if (mode == 0) return up_nearest(dst, scale, in) == idx ? 1.0f : 0.0f;
    int i0, i1; float l;
    up_linear(dst, scale, in, alignCorners, &i0, &i1, &l);
    float w = 0.0f;
    if (i0 == idx) w += 1.0f - l;
    if (i1 == idx) w += l;
    return w;
}

VC_KERNEL vc_upsample_f32(const float* x, float* y, long long planes, int H, int W, int OH, int OW, int mode, int alignCorners)
{
    float sh = up_scale(H, OH, mode == 0 ? 0 : alignCorners);
    float sw = up_scale(W, OW, mode == 0 ? 0 : alignCorners);
    long long total = planes * OH * OW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int ow = (int)(i % OW);
        long long t = i / OW;
        int oh = (int)(t % OH);
        long long pl = t / OH;
        const float* xp = x + pl * H * W;
        if (mode == 0)
        {
            y[i] = xp[up_nearest(oh, sh, H) * W + up_nearest(ow, sw, W)];
        }
        else
        {
            int h0, h1, w0, w1; float lh, lw;
            up_linear(oh, sh, H, alignCorners, &h0, &h1, &lh);
            up_linear(ow, sw, W, alignCorners, &w0, &w1, &lw);
            float top = (1.0f - lw) * xp[h0 * W + w0] + lw * xp[h0 * W + w1];
            float bot = (1.0f - lw) * xp[h1 * W + w0] + lw * xp[h1 * W + w1];
            y[i] = (1.0f - lh) * top + lh * bot;
        }
    }
}
VC_REGISTER(vc_upsample_f32);

// Candidate output range [lo, hi] for input coordinate idx.
VC_DEVICE void up_range(int idx, int in, int out, float scale, int mode, int alignCorners, int* lo, int* hi)
{
    if (mode == 1 && alignCorners && out == 1) { *lo = 0; *hi = 0; return; }
    float inv = mode == 0 ? (float)out / (float)in
                          : (alignCorners ? (float)(out - 1) / (float)(in - 1 > 0 ? in - 1 : 1) : (float)out / (float)in);
    float off = (mode == 1 && !alignCorners) ? 0.5f : 0.0f;
    // dst ~ (src + off) * inv - off for src in [idx - 1, idx + 1]
    int a = (int)vc_floorf(((float)idx - 1.0f + off) * inv - off) - 1;
    int b = (int)vc_floorf(((float)idx + 1.0f + off) * inv - off) + 1;
    if (idx == in - 1) b = out - 1; // clamped sources all land on the last index
    if (idx == 0) a = 0;
    *lo = a < 0 ? 0 : a;
    *hi = b > out - 1 ? out - 1 : b;
    (void)scale;
}

VC_KERNEL vc_upsample_bwd_f32(const float* dy, float* dx, long long planes, int H, int W, int OH, int OW, int mode, int alignCorners)
{
    float sh = up_scale(H, OH, mode == 0 ? 0 : alignCorners);
    float sw = up_scale(W, OW, mode == 0 ? 0 : alignCorners);
    long long total = planes * H * W;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int w = (int)(i % W);
        long long t = i / W;
        int h = (int)(t % H);
        long long pl = t / H;
        const float* dyp = dy + pl * OH * OW;
        int ohLo, ohHi, owLo, owHi;
        up_range(h, H, OH, sh, mode, alignCorners, &ohLo, &ohHi);
        up_range(w, W, OW, sw, mode, alignCorners, &owLo, &owHi);
        float acc = 0.0f;
        for (int oh = ohLo; oh <= ohHi; oh++)
        {
            float wh = up_weight(mode, oh, sh, H, alignCorners, h);
            if (wh == 0.0f) continue;
            float row = 0.0f;
            for (int ow = owLo; ow <= owHi; ow++)
            {
                float ww = up_weight(mode, ow, sw, W, alignCorners, w);
                if (ww != 0.0f) row += ww * dyp[oh * OW + ow];
            }
            acc += wh * row;
        }
        dx[i] = acc;
    }
}
VC_REGISTER(vc_upsample_bwd_f32);
