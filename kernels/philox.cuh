// philox.cuh -- Philox4x32-10 inside kernels, bit-identical to VisionCuda.Random.Philox (src/VisionCuda.Core/Random/
// Philox.cs), so that dropout masks and random init drawn on the GPU equal the ones drawn by the Cpu backend.
//
// Stream layout (same as C#): draw `counter` of stream `key` runs the 10-round block on the 128-bit counter
// (words 0-1 = counter, words 2-3 = 0) with the 64-bit key (k0 = low word, k1 = high word) and keeps output word 0.
// vc_philox_uniform maps it to [0, 1) with 24 bits: (x >> 8) * 2^-24, exactly representable, so no rounding
// difference between C#, host and device is possible.
//
// Thread mapping is the caller's: element i of a tensor typically draws counter (offset + i). Pure function, no state.
#pragma once

#include "common.cuh"

VC_DEVICE unsigned vc_philox_next(unsigned long long key, unsigned long long counter)
{
    const unsigned M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    const unsigned W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    unsigned c0 = (unsigned)counter, c1 = (unsigned)(counter >> 32), c2 = 0u, c3 = 0u;
    unsigned k0 = (unsigned)key, k1 = (unsigned)(key >> 32);
#if defined(__CUDACC__)
#pragma unroll
#endif
    for (int round = 0; round < 10; round++)
    {
        // 32x32 -> 64-bit products (mul.wide.u32 on the device); hi/lo halves feed the Feistel-like mix.
        unsigned long long p0 = (unsigned long long)M0 * c0;
        unsigned long long p1 = (unsigned long long)M1 * c2;
        unsigned n0 = (unsigned)(p1 >> 32) ^ c1 ^ k0;
        unsigned n1 = (unsigned)p1;
        unsigned n2 = (unsigned)(p0 >> 32) ^ c3 ^ k1;
        unsigned n3 = (unsigned)p0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        k0 += W0; k1 += W1;
    }
    return c0;
}

VC_DEVICE float vc_philox_uniform(unsigned long long key, unsigned long long counter)
{
    return (float)(vc_philox_next(key, counter) >> 8) * (1.0f / 16777216.0f);
}
