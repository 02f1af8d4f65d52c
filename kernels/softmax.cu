// softmax.cu -- softmax / log-softmax over the middle dim of [outer, dimSize, inner], forward and backward.
//
// inner == 1 (rows contiguous): one warp per row, 8 rows per 256-thread block, grid-stride over rows. Each lane
//   walks the row with stride 32; max and sum use an xor-butterfly of warp shuffles, so every lane ends with the
//   same, deterministic value. y = exp(x - max) / sum, or (x - max) - log(sum).
// inner > 1: one thread per (outer, inner) column, three serial passes over the dim (coalesced over inner).
// Backward from the forward output y: softmax dx = y * (dy - sum(dy*y)); log-softmax dx = dy - exp(y) * sum(dy).
// Assumes blockDim.x == 256 for the row kernels.
#include "common.cuh"

VC_DEVICE float sm_warp_max(float v)
{
    for (int off = 16; off > 0; off >>= 1) v = vc_fmaxf(v, vc_shfl_xor_f32(v, off));
    return v;
}

VC_DEVICE float sm_warp_sum(float v)
{
    for (int off = 16; off > 0; off >>= 1) v += vc_shfl_xor_f32(v, off);
    return v;
}

VC_KERNEL vc_softmax_rows_f32(const float* x, float* y, long long rows, int dimSize, int logMode)
{
    int lane = vc_lane_id();
    long long warpsPerBlock = blockDim.x / VC_WARP_SIZE;
    // The loop bound is uniform per warp, so every lane takes part in each shuffle.
    for (long long row = (long long)blockIdx.x * warpsPerBlock + threadIdx.x / VC_WARP_SIZE; row < rows; row += (long long)gridDim.x * warpsPerBlock)
    {
        const float* xr = x + row * dimSize;
        float* yr = y + row * dimSize;
        float m = -VC_INF;
        for (int j = lane; j < dimSize; j += VC_WARP_SIZE) m = vc_fmaxf(m, xr[j]);
        m = sm_warp_max(m);
        float s = 0.0f;
        for (int j = lane; j < dimSize; j += VC_WARP_SIZE) s += vc_expf(xr[j] - m);
        s = sm_warp_sum(s);
        if (logMode)
        {
            float ls = vc_logf(s);
            for (int j = lane; j < dimSize; j += VC_WARP_SIZE) yr[j] = (xr[j] - m) - ls;
        }
        else
        {
            float inv = 1.0f / s;
            for (int j = lane; j < dimSize; j += VC_WARP_SIZE) yr[j] = vc_expf(xr[j] - m) * inv;
        }
    }
}
VC_REGISTER(vc_softmax_rows_f32);

VC_KERNEL vc_softmax_inner_f32(const float* x, float* y, long long outer, int dimSize, long long inner, int logMode)
{
    long long n = outer * inner;
    for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < n; idx += (long long)gridDim.x * blockDim.x)
    {
        long long o = idx / inner, i = idx - o * inner;
        const float* xp = x + o * dimSize * inner + i;
        float* yp = y + o * dimSize * inner + i;
        float m = -VC_INF;
        for (int d = 0; d < dimSize; d++) m = vc_fmaxf(m, xp[(long long)d * inner]);
        float s = 0.0f;
        for (int d = 0; d < dimSize; d++) s += vc_expf(xp[(long long)d * inner] - m);
        if (logMode)
        {
            float ls = vc_logf(s);
            for (int d = 0; d < dimSize; d++) yp[(long long)d * inner] = (xp[(long long)d * inner] - m) - ls;
        }
        else
        {
            float inv = 1.0f / s;
            for (int d = 0; d < dimSize; d++) yp[(long long)d * inner] = vc_expf(xp[(long long)d * inner] - m) * inv;
        }
    }
}
VC_REGISTER(vc_softmax_inner_f32);

VC_KERNEL vc_softmax_bwd_rows_f32(const float* y, const float* dy, float* dx, long long rows, int dimSize, int logMode)
{
    int lane = vc_lane_id();
    long long warpsPerBlock = blockDim.x / VC_WARP_SIZE;
    for (long long row = (long long)blockIdx.x * warpsPerBlock + threadIdx.x / VC_WARP_SIZE; row < rows; row += (long long)gridDim.x * warpsPerBlock)
    {
        const float* yr = y + row * dimSize;
        const float* gr = dy + row * dimSize;
        float* dr = dx + row * dimSize;
        float s = 0.0f;
        for (int j = lane; j < dimSize; j += VC_WARP_SIZE) s += logMode ? gr[j] : gr[j] * yr[j];
        s = sm_warp_sum(s);
        for (int j = lane; j < dimSize; j += VC_WARP_SIZE)
            dr[j] = logMode ? gr[j] - vc_expf(yr[j]) * s : yr[j] * (gr[j] - s);
    }
}
VC_REGISTER(vc_softmax_bwd_rows_f32);

VC_KERNEL vc_softmax_bwd_inner_f32(const float* y, const float* dy, float* dx, long long outer, int dimSize, long long inner, int logMode)
{
    long long n = outer * inner;
    for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < n; idx += (long long)gridDim.x * blockDim.x)
    {
        long long o = idx / inner, i = idx - o * inner;
        long long base = o * dimSize * inner + i;
        float s = 0.0f;
        for (int d = 0; d < dimSize; d++)
        {
            long long k = base + (long long)d * inner;
            s += logMode ? dy[k] : dy[k] * y[k];
        }
        for (int d = 0; d < dimSize; d++)
        {
            long long k = base + (long long)d * inner;
            dx[k] = logMode ? dy[k] - vc_expf(y[k]) * s : y[k] * (dy[k] - s);
        }
    }
}
VC_REGISTER(vc_softmax_bwd_inner_f32);
