// block_runner.hpp -- runs one kernel launch on the calling OS thread: the emulated CUDA execution model.
//
// Blocks run one after another, in a seeded permutation of the grid (kernels must not depend on block order).
// Inside a block every CUDA thread is a fiber (fiber.hpp). The scheduler repeatedly "sweeps": it resumes every
// runnable fiber once, in a fresh seeded random order, and each runs until it
//   - exits,
//   - reaches vc_sync()            -> parked until every live thread of the block is parked there (block barrier),
//   - calls a warp op (shfl/ballot/syncwarp) -> parked until every live lane of its warp has arrived; the exchange is
//                                     then computed for all lanes at once (a warp-level barrier).
// If nothing can run and the parked threads cannot be released (lanes of a warp split between a warp op and
// vc_sync, or lanes calling different warp ops) the launch fails with CUDA_ERROR_LAUNCH_FAILED and says where.
//
// Adversarial on purpose: shared memory (static and dynamic) is 0xFF-filled (NaN) at each block start, thread order
// changes at every sweep, and a missing vc_sync therefore shows up as NaNs or wrong values rather than passing by
// the luck of a fixed order. Same seed (VC_EMU_SEED / vcEmuSetSeed) => same order => reproducible failures.
#pragma once

#include <string>

#include "registry.hpp"
#include "visioncuda_emu.h"

namespace vc_emu
{
struct Dim3
{
    unsigned x, y, z;
};

struct LaunchConfig
{
    const KernelInfo* kernel;
    Dim3 grid;
    Dim3 block;
    unsigned dynamicSharedBytes;
    void** params;
};

constexpr unsigned kMaxSharedBytesPerBlock = 48 * 1024;

// Runs all blocks. On failure returns the CUresult and fills `message` (without the launch prefix).
CUresult run_launch(const LaunchConfig& launch, std::string& message);

// Seed of the permutations; the initial value comes from VC_EMU_SEED (0 if unset).
void set_seed(unsigned long long seed);
unsigned long long get_seed();
} // namespace vc_emu
