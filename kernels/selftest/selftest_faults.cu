// selftest_faults.cu -- kernels that break the rules on purpose, for native/tests/test_launch_limits.cpp.
//   selftest_big_shared: 40 KiB of static shared memory; fine alone, over the 48 KiB limit with 16 KiB dynamic.
//   selftest_store_at:   out[index] = 1 for thread 0; index == n writes just past the allocation (guard zone).
//   selftest_dynamic_overrun: writes dyn[count] for a launch with count floats of dynamic shared memory.
#include "common.cuh"

VC_KERNEL selftest_big_shared(float* out)
{
    VC_SHARED(float, big, [10240]);
    big[threadIdx.x] = (float)threadIdx.x;
    vc_sync();
    out[threadIdx.x] = big[blockDim.x - 1 - threadIdx.x];
}
VC_REGISTER(selftest_big_shared);

VC_KERNEL selftest_store_at(float* out, long long index)
{
    if (threadIdx.x == 0 && blockIdx.x == 0) out[index] = 1.0f;
}
VC_REGISTER(selftest_store_at);

VC_KERNEL selftest_dynamic_overrun(float* out, int count)
{
    VC_DYNAMIC_SHARED(float, dyn);
    if (threadIdx.x == 0) dyn[count] = 0.0f;
    out[threadIdx.x] = 0.0f;
}
VC_REGISTER(selftest_dynamic_overrun);
