// conv.cu -- conv2d forward, backward-data and backward-weight over NCHW, weights [K, C/G, R, S].
//
// groups == 1 (the bulk of the FLOPs) goes through GEMM; the host drives it in chunks of nb images:
//   forward:   col = im2col(x) laid out [nb][C*R*S][P] (P = OH*OW), then a strided-batched GEMM
//              y[n] (K x P) = W (K x CRS) * col[n]; bias added by vc_bias_add_nchw_f32.
//   bwd data:  dcol[n] (CRS x P) = W^T * dy[n] (batched GEMM), then vc_col2im_f32 gathers dcol into dx: each dx
//              element sums its R*S taps in fixed order (no atomics, deterministic).
//   bwd wgt:   col laid out [CRS][nb*P] ("wide"), dy permuted to [K][nb*P], one GEMM dW (+)= dyP * col^T per chunk
//              (beta 0 for the first chunk, 1 after): a fixed order of chunks, deterministic.
//   vc_im2col_f32 / vc_col2im_f32 take the layout as (strideN, strideCrs), so both layouts share one kernel.
// groups > 1 (depthwise, grouped) uses direct kernels:
//   vc_conv2d_fwd_direct_f32:   one thread per output element, loops over its group's C/G*R*S taps.
//   vc_conv2d_bwd_data_direct_f32: one thread per dx element, gathers over its group's K/G outputs and taps.
//   vc_conv2d_bwd_weight_direct_f32: one 256-thread block per weight element, fixed-order block reduction over
//                                    N*OH*OW (warp shuffles + shared memory).
// vc_bias_grad_f32: one 256-thread block per channel k, dbias[k] = sum over n and p of dy, fixed order.
// Padding reads as zero. Offsets to image chunks are applied by the host.
#include "common.cuh"

VC_KERNEL vc_im2col_f32(const float* x, float* col, int nb, int C, int H, int W, int R, int S,
                        int sH, int sW, int pH, int pW, int dH, int dW, int OH, int OW,
                        long long strideN, long long strideCrs)
{
    long long P = (long long)OH * OW;
    long long total = (long long)nb * C * R * S * P;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        long long p = i % P;
        long long t = i / P;
        int s = (int)(t % S); t /= S;
        int r = (int)(t % R); t /= R;
        int c = (int)(t % C);
        int nn = (int)(t / C);
        int oh = (int)(p / OW), ow = (int)(p % OW);
        int ih = oh * sH - pH + r * dH;
        int iw = ow * sW - pW + s * dW;
        float v = 0.0f;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) v = x[(((long long)nn * C + c) * H + ih) * W + iw];
        long long crs = ((long long)c * R + r) * S + s;
        col[nn * strideN + crs * strideCrs + p] = v;
    }
}
VC_REGISTER(vc_im2col_f32);

VC_KERNEL vc_col2im_f32(const float* col, float* dx, int nb, int C, int H, int W, int R, int S,
                        int sH, int sW, int pH, int pW, int dH, int dW, int OH, int OW,
                        long long strideN, long long strideCrs)
{
    long long total = (long long)nb * C * H * W;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int w = (int)(i % W);
        long long t = i / W;
        int h = (int)(t % H); t /= H;
        int c = (int)(t % C);
        int nn = (int)(t / C);
        float acc = 0.0f;
        for (int r = 0; r < R; r++)
        {
            int th = h + pH - r * dH;
            if (th < 0 || th % sH != 0) continue;
            int oh = th / sH;
            if (oh >= OH) continue;
            for (int s = 0; s < S; s++)
            {
                int tw = w + pW - s * dW;
                if (tw < 0 || tw % sW != 0) continue;
                int ow = tw / sW;
                if (ow >= OW) continue;
                long long crs = ((long long)c * R + r) * S + s;
                acc += col[nn * strideN + crs * strideCrs + (long long)oh * OW + ow];
            }
        }
        dx[i] = acc;
    }
}
VC_REGISTER(vc_col2im_f32);

VC_KERNEL vc_bias_add_nchw_f32(float* y, const float* bias, long long total, int K, long long P)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
        y[i] += bias[(i / P) % K];
}
VC_REGISTER(vc_bias_add_nchw_f32);

VC_DEVICE float cv_block_sum(float v, float* warpSums)
{
    for (int off = 16; off > 0; off >>= 1) v += vc_shfl_down_f32(v, off);
    if (vc_lane_id() == 0) warpSums[threadIdx.x / VC_WARP_SIZE] = v;
    vc_sync();
    float total = 0.0f;
    if (threadIdx.x == 0)
        for (int w = 0; w < (int)(blockDim.x / VC_WARP_SIZE); w++) total += warpSums[w];
    vc_sync();
    return total;
}

VC_KERNEL vc_bias_grad_f32(const float* dy, float* dbias, int N, int K, long long P)
{
    VC_SHARED(float, warpSums, [32]);
    for (int k = blockIdx.x; k < K; k += gridDim.x)
    {
        float acc = 0.0f;
        for (int nn = 0; nn < N; nn++)
        {
            const float* p = dy + ((long long)nn * K + k) * P;
            for (long long j = threadIdx.x; j < P; j += blockDim.x) acc += p[j];
        }
        float total = cv_block_sum(acc, warpSums);
        if (threadIdx.x == 0) dbias[k] = total;
    }
}
VC_REGISTER(vc_bias_grad_f32);

VC_KERNEL vc_conv2d_fwd_direct_f32(const float* x, const float* wt, const float* bias, float* y,
                                   int N, int C, int H, int W, int K, int R, int S,
                                   int sH, int sW, int pH, int pW, int dH, int dW, int G, int OH, int OW)
{
    int CPG = C / G, KPG = K / G;
    long long total = (long long)N * K * OH * OW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int ow = (int)(i % OW);
        long long t = i / OW;
        int oh = (int)(t % OH); t /= OH;
        int k = (int)(t % K);
        int nn = (int)(t / K);
        int g = k / KPG;
        float acc = bias ? bias[k] : 0.0f;
        for (int cc = 0; cc < CPG; cc++)
        {
            const float* xp = x + ((long long)nn * C + g * CPG + cc) * H * W;
            const float* wp = wt + ((long long)k * CPG + cc) * R * S;
            for (int r = 0; r < R; r++)
            {
                int ih = oh * sH - pH + r * dH;
                if (ih < 0 || ih >= H) continue;
                for (int s = 0; s < S; s++)
                {
                    int iw = ow * sW - pW + s * dW;
                    if (iw < 0 || iw >= W) continue;
                    acc += xp[(long long)ih * W + iw] * wp[r * S + s];
                }
            }
        }
        y[i] = acc;
    }
}
VC_REGISTER(vc_conv2d_fwd_direct_f32);

VC_KERNEL vc_conv2d_bwd_data_direct_f32(const float* dy, const float* wt, float* dx,
                                        int N, int C, int H, int W, int K, int R, int S,
                                        int sH, int sW, int pH, int pW, int dH, int dW, int G, int OH, int OW)
{
    int CPG = C / G, KPG = K / G;
    long long total = (long long)N * C * H * W;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int w = (int)(i % W);
        long long t = i / W;
        int h = (int)(t % H); t /= H;
        int c = (int)(t % C);
        int nn = (int)(t / C);
        int g = c / CPG, cc = c - g * CPG;
        float acc = 0.0f;
        for (int kk = 0; kk < KPG; kk++)
        {
            int k = g * KPG + kk;
            const float* dyp = dy + ((long long)nn * K + k) * OH * OW;
            const float* wp = wt + ((long long)k * CPG + cc) * R * S;
            for (int r = 0; r < R; r++)
            {
                int th = h + pH - r * dH;
                if (th < 0 || th % sH != 0) continue;
                int oh = th / sH;
                if (oh >= OH) continue;
                for (int s = 0; s < S; s++)
                {
                    int tw = w + pW - s * dW;
                    if (tw < 0 || tw % sW != 0) continue;
                    int ow = tw / sW;
                    if (ow >= OW) continue;
                    acc += dyp[(long long)oh * OW + ow] * wp[r * S + s];
                }
            }
        }
        dx[i] = acc;
    }
}
VC_REGISTER(vc_conv2d_bwd_data_direct_f32);

VC_KERNEL vc_conv2d_bwd_weight_direct_f32(const float* x, const float* dy, float* dw,
                                          int N, int C, int H, int W, int K, int R, int S,
                                          int sH, int sW, int pH, int pW, int dH, int dW, int G, int OH, int OW)
{
    VC_SHARED(float, warpSums, [32]);
    int CPG = C / G, KPG = K / G;
    long long P = (long long)OH * OW;
    long long wcount = (long long)K * CPG * R * S;
    for (long long e = blockIdx.x; e < wcount; e += gridDim.x)
    {
        int s = (int)(e % S);
        long long t = e / S;
        int r = (int)(t % R); t /= R;
        int cc = (int)(t % CPG);
        int k = (int)(t / CPG);
        int c = (k / KPG) * CPG + cc;
        float acc = 0.0f;
        for (long long j = threadIdx.x; j < (long long)N * P; j += blockDim.x)
        {
            int nn = (int)(j / P);
            long long p = j - (long long)nn * P;
            int oh = (int)(p / OW), ow = (int)(p % OW);
            int ih = oh * sH - pH + r * dH;
            int iw = ow * sW - pW + s * dW;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            acc += x[(((long long)nn * C + c) * H + ih) * W + iw] * dy[((long long)nn * K + k) * P + p];
        }
        float total = cv_block_sum(acc, warpSums);
        if (threadIdx.x == 0) dw[e] = total;
    }
}
VC_REGISTER(vc_conv2d_bwd_weight_direct_f32);
