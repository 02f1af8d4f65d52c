// copy.cu -- fill, strided block copy (concat/split/slices and their backwards), permute.
//
// Computes:
//   vc_fill_f32:        y[i] = value for i < n.
//   vc_copy_blocks_f32: dst[dOff + r*dStride + c] (+)= src[sOff + r*sStride + c] for r < rows, c < cols.
//                       (offsets are applied on the host by pointer arithmetic; accumulate != 0 adds.)
//   vc_permute_f32:     y = x permuted, rank <= 6. y's shape is (d0..d5) (unused trailing dims are 1) and
//                       s0..s5 are the *input* strides of each output dim, so y[idx] = x[sum coord_k * s_k].
// Layout: flat float32 buffers; Int32 storages are copied as raw 32-bit words (plain loads/stores keep bits).
// Threads: one thread per output element, 1-D grid-stride loop (grid capped by the host), so any n works.
// Assumes: src and dst blocks do not overlap (concat/split never alias).
#include "common.cuh"

VC_KERNEL vc_fill_f32(float* y, long long n, float value)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        y[i] = value;
}
VC_REGISTER(vc_fill_f32);

VC_KERNEL vc_copy_blocks_f32(const float* src, long long srcStride, float* dst, long long dstStride,
                             long long rows, long long cols, int accumulate)
{
    long long n = rows * cols;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        long long r = i / cols;
        long long c = i - r * cols;
        float v = src[r * srcStride + c];
        float* d = dst + r * dstStride + c;
        if (accumulate) *d = *d + v;
        else *d = v;
    }
}
VC_REGISTER(vc_copy_blocks_f32);

VC_KERNEL vc_permute_f32(const float* x, float* y, long long n,
                         int d0, int d1, int d2, int d3, int d4, int d5,
                         long long s0, long long s1, long long s2, long long s3, long long s4, long long s5)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        long long rest = i;
        long long off = 0;
        long long q;
        q = rest / d5; off += (rest - q * d5) * s5; rest = q;
        q = rest / d4; off += (rest - q * d4) * s4; rest = q;
        q = rest / d3; off += (rest - q * d3) * s3; rest = q;
        q = rest / d2; off += (rest - q * d2) * s2; rest = q;
        q = rest / d1; off += (rest - q * d1) * s1; rest = q;
        off += rest * s0;
        (void)d0;
        y[i] = x[off];
    }
}
VC_REGISTER(vc_permute_f32);
