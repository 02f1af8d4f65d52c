// selftest_barrier.cu -- kernels the emulator's ctest suite (native/tests/test_barrier.cpp) uses to check barrier
// semantics and the NaN fill of shared memory. Not used by the Cuda backend; harmless in the PTX.
//
//   selftest_reverse:       out[b*B + t] = in[b*B + (B-1-t)] through dynamic shared memory. 1-D blocks of B threads,
//                           n a multiple of B. Correct only if vc_sync() is a real barrier.
//   selftest_barrier_count: three rounds of "thread 0 zeroes a shared counter; sync; every thread adds 1; sync;
//                           every thread reads it"; out[global t] = sum of the three reads = 3 * blockDim.x.
//   selftest_shared_probe:  each thread reads its slot of a static and a dynamic shared array before anyone writes,
//                           stores what it saw, then overwrites the slot (so a block that saw the previous block's
//                           values would show it). Host expects all NaN.
#include "common.cuh"

VC_KERNEL selftest_reverse(float* out, const float* in, int n)
{
    VC_DYNAMIC_SHARED(float, buffer);
    int t = threadIdx.x;
    int base = blockIdx.x * blockDim.x;
    if (base + t < n) buffer[t] = in[base + t];
    vc_sync(); // every slot must be written before any thread reads its mirror
    int mirror = blockDim.x - 1 - t;
    if (base + t < n) out[base + t] = buffer[mirror];
}
VC_REGISTER(selftest_reverse);

VC_KERNEL selftest_barrier_count(int* out)
{
    VC_SHARED(int, counter, [1]);
    int total = 0;
    for (int round = 0; round < 3; round++)
    {
        if (threadIdx.x == 0) counter[0] = 0;
        vc_sync();
        vc_atomic_add_i32(&counter[0], 1);
        vc_sync();
        total += counter[0];
        vc_sync(); // nobody re-zeroes the counter while a slow thread still reads it
    }
    out[blockIdx.x * blockDim.x + threadIdx.x] = total;
}
VC_REGISTER(selftest_barrier_count);

VC_KERNEL selftest_shared_probe(float* seenStatic, float* seenDynamic)
{
    VC_SHARED(float, slots, [256]);
    VC_DYNAMIC_SHARED(float, dyn);
    int t = threadIdx.x;
    int g = blockIdx.x * blockDim.x + t;
    seenStatic[g] = slots[t];
    seenDynamic[g] = dyn[t];
    vc_sync();
    slots[t] = 1.0f + t;
    dyn[t] = 2.0f + t;
}
VC_REGISTER(selftest_shared_probe);
