// batchnorm.cu -- batch normalisation over [N, C, HW] (training and eval) and its backward.
//
// Kernels:
//   vc_bn_stats_f32:    one 256-thread block per channel. Two passes over the channel's N*HW values (mean, then
//                       sum of squared deviations, numerically safer than E[x^2]-E[x]^2). Each thread walks images in
//                       order and its own HW columns; block sums are a fixed shuffle tree: deterministic.
//                       Writes saveMean, saveInvStd = 1/sqrt(var_biased + eps), and updates the running stats with
//                       the unbiased variance: running = (1-momentum)*running + momentum*batch.
//   vc_bn_apply_f32:    y = (x - mean[c]) * invstd[c] * gamma[c] + beta[c], one thread per element.
//   vc_bn_eval_f32:     the same with the running statistics (invstd computed per element from runningVar).
//   vc_bn_backward_reduce_f32: per channel block, dbeta = sum dy, dgamma = sum dy * xhat (fixed order).
//   vc_bn_backward_dx_f32: dx = gamma*invstd * (dy - dbeta/M - xhat*dgamma/M), M = N*HW.
// Channel of flat element i is (i / hw) % c.
#include "common.cuh"

#define BN_THREADS 256

VC_DEVICE float bn_block_sum(float v, float* warpSums, float* result)
{
    for (int off = 16; off > 0; off >>= 1) v += vc_shfl_down_f32(v, off);
    if (vc_lane_id() == 0) warpSums[threadIdx.x / VC_WARP_SIZE] = v;
    vc_sync();
    if (threadIdx.x == 0)
    {
        float total = 0.0f;
        for (int w = 0; w < (int)(blockDim.x / VC_WARP_SIZE); w++) total += warpSums[w];
        *result = total;
    }
    vc_sync();
    float r = *result;
    vc_sync(); // result is reused by the next call
    return r;
}

VC_KERNEL vc_bn_stats_f32(const float* x, float* saveMean, float* saveInvStd, float* runningMean, float* runningVar,
                          int n, int c, long long hw, float momentum, float eps)
{
    VC_SHARED(float, warpSums, [BN_THREADS / 32]);
    VC_SHARED(float, result, [1]);
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x)
    {
        float acc = 0.0f;
        for (int nn = 0; nn < n; nn++)
        {
            const float* p = x + ((long long)nn * c + ch) * hw;
            for (long long j = threadIdx.x; j < hw; j += blockDim.x) acc += p[j];
        }
        float count = (float)((long long)n * hw);
        float mean = bn_block_sum(acc, warpSums, result) / count;
        float sq = 0.0f;
        for (int nn = 0; nn < n; nn++)
        {
            const float* p = x + ((long long)nn * c + ch) * hw;
            for (long long j = threadIdx.x; j < hw; j += blockDim.x) { float d = p[j] - mean; sq += d * d; }
        }
        float var = bn_block_sum(sq, warpSums, result) / count;
        if (threadIdx.x == 0)
        {
            saveMean[ch] = mean;
            saveInvStd[ch] = 1.0f / vc_sqrtf(var + eps);
            float unbiased = count > 1.0f ? var * count / (count - 1.0f) : var;
            runningMean[ch] = (1.0f - momentum) * runningMean[ch] + momentum * mean;
            runningVar[ch] = (1.0f - momentum) * runningVar[ch] + momentum * unbiased;
        }
    }
}
VC_REGISTER(vc_bn_stats_f32);

VC_KERNEL vc_bn_apply_f32(const float* x, float* y, const float* mean, const float* invstd,
                          const float* gamma, const float* beta, long long total, int c, long long hw)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int ch = (int)((i / hw) % c);
        y[i] = (x[i] - mean[ch]) * invstd[ch] * gamma[ch] + beta[ch];
    }
}
VC_REGISTER(vc_bn_apply_f32);

VC_KERNEL vc_bn_eval_f32(const float* x, float* y, const float* runningMean, const float* runningVar,
                         const float* gamma, const float* beta, long long total, int c, long long hw, float eps)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int ch = (int)((i / hw) % c);
        float invstd = 1.0f / vc_sqrtf(runningVar[ch] + eps);
        y[i] = (x[i] - runningMean[ch]) * invstd * gamma[ch] + beta[ch];
    }
}
VC_REGISTER(vc_bn_eval_f32);

VC_KERNEL vc_bn_backward_reduce_f32(const float* x, const float* dy, const float* mean, const float* invstd,
                                    float* dgamma, float* dbeta, int n, int c, long long hw)
{
    VC_SHARED(float, warpSums, [BN_THREADS / 32]);
    VC_SHARED(float, result, [1]);
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x)
    {
        float mu = mean[ch], is = invstd[ch];
        float sdy = 0.0f, sdyx = 0.0f;
        for (int nn = 0; nn < n; nn++)
        {
            long long base = ((long long)nn * c + ch) * hw;
            for (long long j = threadIdx.x; j < hw; j += blockDim.x)
            {
                float g = dy[base + j];
                sdy += g;
                sdyx += g * (x[base + j] - mu) * is;
            }
        }
        float tdy = bn_block_sum(sdy, warpSums, result);
        float tdyx = bn_block_sum(sdyx, warpSums, result);
        if (threadIdx.x == 0) { dbeta[ch] = tdy; dgamma[ch] = tdyx; }
    }
}
VC_REGISTER(vc_bn_backward_reduce_f32);

VC_KERNEL vc_bn_backward_dx_f32(const float* x, const float* dy, const float* mean, const float* invstd,
                                const float* gamma, const float* dgamma, const float* dbeta, float* dx,
                                long long total, int c, long long hw, float count)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int ch = (int)((i / hw) % c);
        float is = invstd[ch];
        float xhat = (x[i] - mean[ch]) * is;
        dx[i] = gamma[ch] * is * (dy[i] - dbeta[ch] / count - xhat * dgamma[ch] / count);
    }
}
VC_REGISTER(vc_bn_backward_dx_f32);
