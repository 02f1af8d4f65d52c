// driver_device.cpp -- cuInit, device queries and the primary context. The emulator presents one device,
// "VisionCuda host emulator", compute capability 8.0, with the launch limits of a real sm_80 part (1024 threads and
// 48 KiB static+dynamic shared memory per block) so that launch configurations valid here are valid on GPUs.
#include <atomic>
#include <cstring>

#include "errors.hpp"
#include "memory.hpp"

namespace vc_emu
{
namespace
{
std::atomic<bool> initDone{false};
std::atomic<int> primaryRefs{0};
thread_local CUcontext currentContext = nullptr;
struct PrimaryContext
{
    int device = 0;
} primaryContext;

CUcontext primary_handle() { return reinterpret_cast<CUcontext>(&primaryContext); }

// CUdevice_attribute values (cuda.h) and what the emulator reports for them.
struct Attribute
{
    int id;
    int value;
};
constexpr Attribute attributes[] = {
    {1, 1024},       // MAX_THREADS_PER_BLOCK
    {2, 1024},       // MAX_BLOCK_DIM_X
    {3, 1024},       // MAX_BLOCK_DIM_Y
    {4, 64},         // MAX_BLOCK_DIM_Z
    {5, 2147483647}, // MAX_GRID_DIM_X
    {6, 65535},      // MAX_GRID_DIM_Y
    {7, 65535},      // MAX_GRID_DIM_Z
    {8, 49152},      // MAX_SHARED_MEMORY_PER_BLOCK
    {9, 65536},      // TOTAL_CONSTANT_MEMORY
    {10, 32},        // WARP_SIZE
    {11, 2147483647},// MAX_PITCH
    {12, 65536},     // MAX_REGISTERS_PER_BLOCK
    {13, 1000000},   // CLOCK_RATE (kHz)
    {14, 512},       // TEXTURE_ALIGNMENT
    {15, 0},         // GPU_OVERLAP
    {16, 2},         // MULTIPROCESSOR_COUNT
    {17, 0},         // KERNEL_EXEC_TIMEOUT
    {18, 0},         // INTEGRATED
    {19, 1},         // CAN_MAP_HOST_MEMORY
    {20, 0},         // COMPUTE_MODE (default)
    {31, 1},         // CONCURRENT_KERNELS
    {33, 0},         // PCI_BUS_ID
    {36, 1000000},   // MEMORY_CLOCK_RATE (kHz)
    {37, 256},       // GLOBAL_MEMORY_BUS_WIDTH
    {38, 4194304},   // L2_CACHE_SIZE
    {39, 2048},      // MAX_THREADS_PER_MULTIPROCESSOR
    {41, 1},         // UNIFIED_ADDRESSING
    {75, 8},         // COMPUTE_CAPABILITY_MAJOR
    {76, 0},         // COMPUTE_CAPABILITY_MINOR
    {81, 167936},    // MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
    {82, 65536},     // MAX_REGISTERS_PER_MULTIPROCESSOR
    {97, 49152},     // MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: no opt-in beyond 48 KiB in the emulator
    {106, 32},       // MAX_BLOCKS_PER_MULTIPROCESSOR
};
constexpr int kMaxAttribute = 140;

CUresult check_device(const char* api, CUdevice device)
{
    if (!initDone.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "%s: cuInit has not been called", api);
    if (device != 0) return fail(CUDA_ERROR_INVALID_DEVICE, "%s: device %d does not exist (the emulator has 1)", api, device);
    return CUDA_SUCCESS;
}
} // namespace

bool initialized() { return initDone.load(); }

CUresult require_context(const char* api)
{
    if (!initDone.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "%s: cuInit has not been called", api);
    if (currentContext == nullptr)
        return fail(CUDA_ERROR_INVALID_CONTEXT,
                    "%s: no current context on this OS thread (call cuCtxSetCurrent on every thread that uses CUDA)",
                    api);
    return CUDA_SUCCESS;
}
} // namespace vc_emu

using namespace vc_emu;

extern "C" {
CUresult cuInit(unsigned flags)
{
    if (flags != 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuInit: flags must be 0, got %u", flags);
    initDone.store(true);
    return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int* version)
{
    if (version == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuDriverGetVersion: null pointer");
    *version = 12000;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* count)
{
    if (count == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetCount: null pointer");
    if (!initDone.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuDeviceGetCount: cuInit has not been called");
    *count = 1;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal)
{
    if (device == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGet: null pointer");
    if (CUresult r = check_device("cuDeviceGet", ordinal)) return r;
    *device = 0;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int len, CUdevice device)
{
    if (name == nullptr || len <= 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetName: null buffer");
    if (CUresult r = check_device("cuDeviceGetName", device)) return r;
    std::strncpy(name, "VisionCuda host emulator", static_cast<std::size_t>(len));
    name[len - 1] = '\0';
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, int attrib, CUdevice device)
{
    if (value == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetAttribute: null pointer");
    if (CUresult r = check_device("cuDeviceGetAttribute", device)) return r;
    if (attrib <= 0 || attrib >= kMaxAttribute)
        return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetAttribute: unknown attribute %d", attrib);
    *value = 0; // attributes the emulator has no opinion on read as 0 ("not supported")
    for (const auto& a : attributes)
        if (a.id == attrib) *value = a.value;
    return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice device)
{
    if (bytes == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceTotalMem: null pointer");
    if (CUresult r = check_device("cuDeviceTotalMem", device)) return r;
    *bytes = total_device_memory();
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* ctx, CUdevice device)
{
    if (ctx == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuDevicePrimaryCtxRetain: null pointer");
    if (CUresult r = check_device("cuDevicePrimaryCtxRetain", device)) return r;
    primaryRefs++;
    *ctx = primary_handle();
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device)
{
    if (CUresult r = check_device("cuDevicePrimaryCtxRelease", device)) return r;
    if (primaryRefs.load() <= 0)
        return fail(CUDA_ERROR_INVALID_CONTEXT, "cuDevicePrimaryCtxRelease: the primary context is not retained");
    primaryRefs--;
    return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext ctx)
{
    if (!initDone.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuCtxSetCurrent: cuInit has not been called");
    if (ctx != nullptr && ctx != primary_handle())
        return fail(CUDA_ERROR_INVALID_CONTEXT, "cuCtxSetCurrent: %p is not a context of this driver", static_cast<void*>(ctx));
    currentContext = ctx;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetCurrent(CUcontext* ctx)
{
    if (ctx == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuCtxGetCurrent: null pointer");
    *ctx = currentContext;
    return CUDA_SUCCESS;
}

CUresult cuCtxSynchronize(void)
{
    return initDone.load() ? CUDA_SUCCESS : fail(CUDA_ERROR_NOT_INITIALIZED, "cuCtxSynchronize: cuInit has not been called");
}
}
