// selftest_philox.cu -- element i writes vc_philox_next(key, offset + i) and vc_philox_uniform(key, offset + i), so
// native/tests/test_philox.cpp can compare the device code path with values computed by the C# Philox.
// One thread per element, any block size.
#include "common.cuh"
#include "philox.cuh"

VC_KERNEL selftest_philox(unsigned* bits, float* uniforms, unsigned long long key, unsigned long long offset, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    bits[i] = vc_philox_next(key, offset + (unsigned long long)i);
    uniforms[i] = vc_philox_uniform(key, offset + (unsigned long long)i);
}
VC_REGISTER(selftest_philox);
