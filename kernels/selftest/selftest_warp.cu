// selftest_warp.cu -- warp-level ops for native/tests/test_warp.cpp.
//
//   selftest_warp_ops: one thread per element, blocks a multiple of 32. Per warp:
//     sums[warp]      = shfl_down tree reduction of in (valid in lane 0),
//     allsum[g]       = shfl_xor butterfly all-reduce (every lane holds the warp sum),
//     ballots[warp]   = ballot(in > 0), lanes[g] = lane id, bcast[g] = in of lane 7 (vc_shfl_f32).
//   selftest_divergent_shfl: lanes 0-15 shuffle while lanes 16-31 wait at vc_sync: undefined on a GPU; the emulator
//     must report it (CUDA_ERROR_LAUNCH_FAILED) instead of hanging.
#include "common.cuh"

VC_KERNEL selftest_warp_ops(const float* in, float* sums, float* allsum, unsigned* ballots, unsigned* lanes,
                            float* bcast)
{
    int g = blockIdx.x * blockDim.x + threadIdx.x;
    int warp = g / VC_WARP_SIZE;
    float v = in[g];
    float down = v;
    for (int offset = 16; offset > 0; offset >>= 1) down += vc_shfl_down_f32(down, offset);
    float all = v;
    for (int mask = 16; mask > 0; mask >>= 1) all += vc_shfl_xor_f32(all, mask);
    unsigned ballot = vc_ballot(v > 0.0f);
    float fromLane7 = vc_shfl_f32(v, 7);
    unsigned lane = vc_lane_id();
    if (lane == 0)
    {
        sums[warp] = down;
        ballots[warp] = ballot;
    }
    allsum[g] = all;
    lanes[g] = lane;
    bcast[g] = fromLane7;
}
VC_REGISTER(selftest_warp_ops);

VC_KERNEL selftest_divergent_shfl(float* out)
{
    float v = 1.0f;
    if (vc_lane_id() < 16) v = vc_shfl_down_f32(v, 1);
    vc_sync();
    out[threadIdx.x] = v;
}
VC_REGISTER(selftest_divergent_shfl);
