// dfl.cu -- distribution focal loss pieces over logits [outer, bins, inner] (YOLOv8: outer = B*4 box sides,
// bins = reg_max = 16, inner = A anchors).
//
// Mapping (all four kernels): one thread per position (o, i) of [outer, inner], grid-stride; the thread walks the bins
// at stride inner, so a warp reads 32 adjacent floats per bin. Softmax statistics are recomputed per kernel (max,
// then sum of e_k = exp(x_k - max)); bins is small, so no shared memory and no cross-thread reduction: every result
// is one thread's fixed-order loop (deterministic).
// vc_dfl_decode_f32:     dist[o, i] = sum_k k e_k / sum_k e_k.
// vc_dfl_decode_bwd_f32: dLogits[o, k, i] = dDist * p_k * (k - dist)  (overwrites).
// vc_dfl_loss_f32:       d = clamp(target, 0, bins - 1.01), l = floor(d), w_l = l + 1 - d, w_r = 1 - w_l;
//                        loss = weight * (-(x_l - max - log s) w_l - (x_{l+1} - max - log s) w_r), the log-softmax
//                        spelled as the softmax kernel does. weight == 0 writes 0 and reads nothing else, so a NaN target
//                        or logits at an ignored position cannot leak into the sum.
// vc_dfl_loss_bwd_f32:   dLogits = dLoss * weight * (p_k - w_l [k == l] - w_r [k == l + 1]); 0 where weight is 0.
// The clamp and bins match VisionCuda.Backends.BoxMath.DflBins (a NaN target falls back to bin 0 to stay in bounds).
#include "common.cuh"

VC_DEVICE void vc_dfl_stats(const float* x, int bins, long long inner, float* maxOut, float* sumOut, float* ksumOut)
{
    float m = x[0];
    for (int k = 1; k < bins; k++) m = vc_fmaxf(m, x[k * inner]);
    float s = 0.0f, ks = 0.0f;
    for (int k = 0; k < bins; k++)
    {
        float e = vc_expf(x[k * inner] - m);
        s += e;
        ks += (float)k * e;
    }
    *maxOut = m;
    *sumOut = s;
    *ksumOut = ks;
}

VC_DEVICE int vc_dfl_bins(float target, int bins, float* wl, float* wr)
{
    float d = vc_fminf(vc_fmaxf(target, 0.0f), (float)(bins - 1) - 0.01f);
    int l = (int)d;
    if (!(d == d) || l < 0 || l > bins - 2) l = 0;
    *wl = (float)(l + 1) - d;
    *wr = 1.0f - *wl;
    return l;
}

VC_KERNEL vc_dfl_decode_f32(const float* VC_RESTRICT logits, float* VC_RESTRICT dist, long long outer, int bins, long long inner)
{
    long long n = outer * inner;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (long long)gridDim.x * blockDim.x)
    {
        long long o = t / inner, i = t - o * inner;
        float m, s, ks;
        vc_dfl_stats(logits + o * bins * inner + i, bins, inner, &m, &s, &ks);
        dist[t] = ks / s;
    }
}
VC_REGISTER(vc_dfl_decode_f32);

VC_KERNEL vc_dfl_decode_bwd_f32(const float* VC_RESTRICT logits, const float* VC_RESTRICT dDist, float* VC_RESTRICT dLogits,
                                long long outer, int bins, long long inner)
{
    long long n = outer * inner;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (long long)gridDim.x * blockDim.x)
    {
        long long o = t / inner, i = t - o * inner;
        const float* x = logits + o * bins * inner + i;
        float* dx = dLogits + o * bins * inner + i;
        float m, s, ks;
        vc_dfl_stats(x, bins, inner, &m, &s, &ks);
        float dist = ks / s, coef = dDist[t] / s;
        for (int k = 0; k < bins; k++) dx[k * inner] = vc_expf(x[k * inner] - m) * coef * ((float)k - dist);
    }
}
VC_REGISTER(vc_dfl_decode_bwd_f32);

VC_KERNEL vc_dfl_loss_f32(const float* VC_RESTRICT logits, const float* VC_RESTRICT target, const float* VC_RESTRICT weight,
                          float* VC_RESTRICT loss, long long outer, int bins, long long inner)
{
    long long n = outer * inner;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (long long)gridDim.x * blockDim.x)
    {
        float w = weight[t];
        if (w == 0.0f) { loss[t] = 0.0f; continue; }
        long long o = t / inner, i = t - o * inner;
        const float* x = logits + o * bins * inner + i;
        float m, s, ks;
        vc_dfl_stats(x, bins, inner, &m, &s, &ks);
        float wl, wr;
        int l = vc_dfl_bins(target[t], bins, &wl, &wr);
        float ls = vc_logf(s);
        float ceL = -(x[l * inner] - m - ls), ceR = -(x[(l + 1) * inner] - m - ls);
        loss[t] = w * (ceL * wl + ceR * wr);
    }
}
VC_REGISTER(vc_dfl_loss_f32);

VC_KERNEL vc_dfl_loss_bwd_f32(const float* VC_RESTRICT logits, const float* VC_RESTRICT target, const float* VC_RESTRICT weight,
                              const float* VC_RESTRICT dLoss, float* VC_RESTRICT dLogits, long long outer, int bins, long long inner)
{
    long long n = outer * inner;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (long long)gridDim.x * blockDim.x)
    {
        long long o = t / inner, i = t - o * inner;
        float* dx = dLogits + o * bins * inner + i;
        float w = weight[t];
        if (w == 0.0f)
        {
            for (int k = 0; k < bins; k++) dx[k * inner] = 0.0f;
            continue;
        }
        const float* x = logits + o * bins * inner + i;
        float m, s, ks;
        vc_dfl_stats(x, bins, inner, &m, &s, &ks);
        float wl, wr;
        int l = vc_dfl_bins(target[t], bins, &wl, &wr);
        float c = dLoss[t] * w;
        float cs = c / s;
        for (int k = 0; k < bins; k++)
        {
            float g = vc_expf(x[k * inner] - m) * cs;
            if (k == l) g -= c * wl;
            if (k == l + 1) g -= c * wr;
            dx[k * inner] = g;
        }
    }
}
VC_REGISTER(vc_dfl_loss_bwd_f32);
