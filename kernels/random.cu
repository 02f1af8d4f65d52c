// random.cu -- dropout mask from Philox4x32-10 (the same stream as C# Philox.Uniform).
//
// mask[i] = 0 when u < p, else scale (= 1/(1-p), computed once on the host so every backend uses the same float),
// with u = vc_philox_uniform(seed, offset + i). One thread per element, grid-stride; a pure function of
// (seed, offset + i), so the mask is identical on every backend and for any launch configuration.
#include "common.cuh"
#include "philox.cuh"

VC_KERNEL vc_dropout_mask_f32(float* mask, long long n, float p, float scale, unsigned long long seed, unsigned long long offset)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        float u = vc_philox_uniform(seed, offset + (unsigned long long)i);
        mask[i] = u < p ? 0.0f : scale;
    }
}
VC_REGISTER(vc_dropout_mask_f32);
