// memory.hpp -- "device" memory of the emulator: malloc'd host memory, tracked so that misuse is reported the way
// a GPU would (or better):
//   - cuMemAlloc fills new memory with 0xFF bytes (NaN floats, -1 ints): code that assumes zeroed device memory fails;
//   - every allocation has a 64-byte guard zone behind it, checked after each launch that was passed a pointer into
//     it: an out-of-bounds write becomes CUDA_ERROR_ILLEGAL_ADDRESS naming the kernel, not silent heap corruption;
//   - copies, memsets and cuMemFree must address memory inside one live allocation (else CUDA_ERROR_INVALID_VALUE).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vc_emu
{
struct AllocationView
{
    std::uintptr_t base = 0;
    std::size_t size = 0;
};

// Finds the live allocation holding [address, address + bytes); bytes may be 0 (then address may equal its end).
bool find_allocation(std::uintptr_t address, std::size_t bytes, AllocationView& out);
// True if the guard zone behind the allocation at `base` is intact.
bool guard_intact(std::uintptr_t base);
// What cuDeviceTotalMem / cuMemGetInfo report: the memory limit if one is set, else the host's physical memory.
std::size_t total_device_memory();
} // namespace vc_emu
