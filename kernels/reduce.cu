// reduce.cu -- Sum / Mean / Max (with argmax) over the middle dim of x viewed as [outer, dimSize, inner].
//
// Kernels:
//   vc_reduce_rows_f32:    inner == 1. One 256-thread block per row (grid-stride over rows). Thread t accumulates
//                          elements t, t+256, ... in order; then a fixed tree: warp shuffles (sum) or a shared-memory
//                          tree (max + argmax, first index wins on ties), so the result is bitwise reproducible.
//                          op: 0 = sum (result divided by `divisor`, 1 for Sum, dimSize for Mean), 2 = max.
//   vc_reduce_inner_f32:   inner > 1. One thread per output (o, i), a serial loop over the dim (coalesced in i).
//   vc_reduce_partial_f32: first pass of a long 1-row sum: block b sums x[b*chunk, min(n,(b+1)*chunk)) into
//                          partial[b]; the host then runs vc_reduce_rows_f32 over the partials (fixed partitioning).
//   vc_reduce_backward_f32: dx[o,d,i] = dy[o,i]*scale (sum/mean) or dy[o,i] where d == argmax[o,i] (max).
// argmax may be null. Requires blockDim.x == 256 for the block reductions.
#include "common.cuh"

#define RD_THREADS 256

// Sum over the block; the result is valid in thread 0. Deterministic: fixed shuffle tree then fixed warp order.
VC_DEVICE float rd_block_sum(float v, float* warpSums)
{
    for (int off = 16; off > 0; off >>= 1) v += vc_shfl_down_f32(v, off);
    int warp = threadIdx.x / VC_WARP_SIZE;
    if (vc_lane_id() == 0) warpSums[warp] = v;
    vc_sync();
    float total = 0.0f;
    if (threadIdx.x == 0)
    {
        int warps = (blockDim.x + VC_WARP_SIZE - 1) / VC_WARP_SIZE;
        for (int w = 0; w < warps; w++) total += warpSums[w];
    }
    vc_sync(); // warpSums may be reused by the caller's next iteration
    return total;
}

VC_KERNEL vc_reduce_rows_f32(const float* x, float* y, int* argmax, long long rows, int dimSize, int op, float divisor)
{
    VC_SHARED(float, warpSums, [RD_THREADS / 32]);
    VC_SHARED(float, maxVal, [RD_THREADS]);
    VC_SHARED(int, maxIdx, [RD_THREADS]);
    int t = threadIdx.x;
    for (long long row = blockIdx.x; row < rows; row += gridDim.x)
    {
        const float* xr = x + row * (long long)dimSize;
        if (op == 2)
        {
            float best = -VC_INF;
            int bi = dimSize; // sentinel: larger than any real index
            for (int j = t; j < dimSize; j += blockDim.x)
            {
                float v = xr[j];
                if (v > best || (v != v && best == best)) { best = v; bi = j; }
            }
            maxVal[t] = best;
            maxIdx[t] = bi;
            vc_sync();
            for (int s = blockDim.x / 2; s > 0; s >>= 1)
            {
                if (t < s)
                {
                    float ov = maxVal[t + s];
                    int oi = maxIdx[t + s];
                    float mv = maxVal[t];
                    int mi = maxIdx[t];
                    bool take = (ov > mv) || (ov == mv && oi < mi) || (ov != ov && (mv == mv || oi < mi));
                    if (take) { maxVal[t] = ov; maxIdx[t] = oi; }
                }
                vc_sync();
            }
            if (t == 0)
            {
                int idx = maxIdx[0] < dimSize ? maxIdx[0] : 0;
                y[row] = maxIdx[0] < dimSize ? maxVal[0] : xr[0];
                if (argmax) argmax[row] = idx;
            }
            vc_sync();
        }
        else
        {
            float acc = 0.0f;
            for (int j = t; j < dimSize; j += blockDim.x) acc += xr[j];
            float total = rd_block_sum(acc, warpSums);
            if (t == 0) y[row] = total / divisor;
        }
    }
}
VC_REGISTER(vc_reduce_rows_f32);

VC_KERNEL vc_reduce_inner_f32(const float* x, float* y, int* argmax, long long outer, int dimSize, long long inner, int op, float divisor)
{
    long long n = outer * inner;
    for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < n; idx += (long long)gridDim.x * blockDim.x)
    {
        long long o = idx / inner;
        long long i = idx - o * inner;
        const float* p = x + o * dimSize * inner + i;
        if (op == 2)
        {
            float best = p[0];
            int bi = 0;
            for (int d = 1; d < dimSize; d++)
            {
                float v = p[(long long)d * inner];
                if (v > best || (v != v && best == best)) { best = v; bi = d; }
            }
            y[idx] = best;
            if (argmax) argmax[idx] = bi;
        }
        else
        {
            float acc = 0.0f;
            for (int d = 0; d < dimSize; d++) acc += p[(long long)d * inner];
            y[idx] = acc / divisor;
        }
    }
}
VC_REGISTER(vc_reduce_inner_f32);

VC_KERNEL vc_reduce_partial_f32(const float* x, float* partial, long long n, long long chunk)
{
    VC_SHARED(float, warpSums, [RD_THREADS / 32]);
    long long start = (long long)blockIdx.x * chunk;
    long long end = start + chunk < n ? start + chunk : n;
    float acc = 0.0f;
    for (long long j = start + threadIdx.x; j < end; j += blockDim.x) acc += x[j];
    float total = rd_block_sum(acc, warpSums);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}
VC_REGISTER(vc_reduce_partial_f32);

VC_KERNEL vc_reduce_backward_f32(const float* dy, float* dx, const int* argmax, long long outer, int dimSize, long long inner, int op, float scale)
{
    long long n = outer * dimSize * inner;
    for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < n; idx += (long long)gridDim.x * blockDim.x)
    {
        long long i = idx % inner;
        long long od = idx / inner;
        long long d = od % dimSize;
        long long o = od / dimSize;
        long long yi = o * inner + i;
        if (op == 2) dx[idx] = argmax[yi] == (int)d ? dy[yi] : 0.0f;
        else dx[idx] = dy[yi] * scale;
    }
}
VC_REGISTER(vc_reduce_backward_f32);
