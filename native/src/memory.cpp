// memory.cpp -- cuMemAlloc/Free, copies, memsets and pinned host memory. See memory.hpp for the checks.
// Copies are synchronous: the emulator has a single in-order "stream", so async variants simply complete.
#include "memory.hpp"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <unistd.h>

#include "errors.hpp"

namespace vc_emu
{
namespace
{
constexpr std::size_t kAlignment = 256;   // cudaMalloc's guarantee
constexpr std::size_t kGuardBytes = 64;
constexpr unsigned char kGuardByte = 0xA5;

struct Heap
{
    std::mutex mutex;
    std::map<std::uintptr_t, std::size_t> live; // base -> user size
    std::set<void*> pinned;
    std::size_t allocated = 0;
    std::size_t limit = 0;
    bool limitRead = false;

    std::size_t current_limit()
    {
        if (!limitRead)
        {
            limitRead = true;
            if (const char* mb = std::getenv("VC_EMU_MEM_LIMIT_MB")) limit = std::strtoull(mb, nullptr, 10) << 20;
        }
        return limit;
    }
};

Heap& heap()
{
    static Heap instance;
    return instance;
}

bool find_locked(Heap& h, std::uintptr_t address, std::size_t bytes, AllocationView& out)
{
    auto it = h.live.upper_bound(address);
    if (it == h.live.begin()) return false;
    --it;
    if (address < it->first || bytes > it->second || address - it->first > it->second - bytes) return false;
    out.base = it->first;
    out.size = it->second;
    return true;
}

CUresult check_range(const char* api, std::uintptr_t address, std::size_t bytes)
{
    if (CUresult r = require_context(api)) return r;
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    AllocationView view;
    if (find_locked(h, address, bytes, view)) return CUDA_SUCCESS;
    return fail(CUDA_ERROR_INVALID_VALUE,
                "%s: device range [0x%llx, +%zu) is not inside one live cuMemAlloc allocation", api,
                static_cast<unsigned long long>(address), bytes);
}

std::size_t physical_memory()
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) : std::size_t{8} << 30;
}
} // namespace

bool find_allocation(std::uintptr_t address, std::size_t bytes, AllocationView& out)
{
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    return find_locked(h, address, bytes, out);
}

bool guard_intact(std::uintptr_t base)
{
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    auto it = h.live.find(base);
    if (it == h.live.end()) return true;
    const auto* guard = reinterpret_cast<const unsigned char*>(base + it->second);
    for (std::size_t i = 0; i < kGuardBytes; i++)
        if (guard[i] != kGuardByte) return false;
    return true;
}

std::size_t total_device_memory()
{
    std::size_t limit = heap().current_limit();
    return limit != 0 ? limit : physical_memory();
}
} // namespace vc_emu

using namespace vc_emu;

extern "C" {
CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes)
{
    if (CUresult r = require_context("cuMemAlloc")) return r;
    if (dptr == nullptr || bytes == 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc: null pointer or 0 bytes");
    Heap& h = heap();
    {
        std::lock_guard<std::mutex> lock(h.mutex);
        std::size_t limit = h.current_limit();
        if (limit != 0 && (bytes > limit || h.allocated > limit - bytes))
            return fail(CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc: %zu bytes requested, %zu of the %zu-byte limit in use",
                        bytes, h.allocated, limit);
    }
    std::size_t padded = (bytes + kGuardBytes + kAlignment - 1) / kAlignment * kAlignment;
    void* p = std::aligned_alloc(kAlignment, padded);
    if (p == nullptr) return fail(CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc: host allocation of %zu bytes failed", bytes);
    std::memset(p, 0xFF, bytes); // uninitialized device memory reads as NaN / -1
    std::memset(static_cast<char*>(p) + bytes, kGuardByte, kGuardBytes);
    {
        std::lock_guard<std::mutex> lock(h.mutex);
        h.live[reinterpret_cast<std::uintptr_t>(p)] = bytes;
        h.allocated += bytes;
    }
    *dptr = reinterpret_cast<std::uintptr_t>(p);
    return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr dptr)
{
    if (CUresult r = require_context("cuMemFree")) return r;
    if (dptr == 0) return CUDA_SUCCESS;
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    auto it = h.live.find(static_cast<std::uintptr_t>(dptr));
    if (it == h.live.end())
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFree: 0x%llx was not returned by cuMemAlloc (or was already freed)",
                    dptr);
    h.allocated -= it->second;
    h.live.erase(it);
    std::free(reinterpret_cast<void*>(dptr));
    return CUDA_SUCCESS;
}

CUresult cuMemGetInfo_v2(size_t* freeBytes, size_t* totalBytes)
{
    if (freeBytes == nullptr || totalBytes == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemGetInfo: null pointer");
    std::size_t total = total_device_memory();
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    *totalBytes = total;
    *freeBytes = h.allocated < total ? total - h.allocated : 0;
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes)
{
    if (bytes == 0) return CUDA_SUCCESS;
    if (src == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyHtoD: null host pointer");
    if (CUresult r = check_range("cuMemcpyHtoD (dst)", dst, bytes)) return r;
    std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes)
{
    if (bytes == 0) return CUDA_SUCCESS;
    if (dst == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoH: null host pointer");
    if (CUresult r = check_range("cuMemcpyDtoH (src)", src, bytes)) return r;
    std::memcpy(dst, reinterpret_cast<const void*>(src), bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes)
{
    if (bytes == 0) return CUDA_SUCCESS;
    if (CUresult r = check_range("cuMemcpyDtoD (dst)", dst, bytes)) return r;
    if (CUresult r = check_range("cuMemcpyDtoD (src)", src, bytes)) return r;
    std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, CUstream)
{
    return cuMemcpyHtoD_v2(dst, src, bytes);
}

CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, CUstream)
{
    return cuMemcpyDtoH_v2(dst, src, bytes);
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream)
{
    return cuMemcpyDtoD_v2(dst, src, bytes);
}

CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned value, size_t count)
{
    if (count == 0) return CUDA_SUCCESS;
    if (dst % 4 != 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemsetD32: 0x%llx is not 4-byte aligned", dst);
    if (count > SIZE_MAX / 4) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemsetD32: count %zu overflows", count);
    if (CUresult r = check_range("cuMemsetD32", dst, count * 4)) return r;
    auto* p = reinterpret_cast<unsigned*>(dst);
    for (std::size_t i = 0; i < count; i++) p[i] = value;
    return CUDA_SUCCESS;
}

CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t count, CUstream)
{
    return cuMemsetD32_v2(dst, value, count);
}

CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t count)
{
    if (count == 0) return CUDA_SUCCESS;
    if (CUresult r = check_range("cuMemsetD8", dst, count)) return r;
    std::memset(reinterpret_cast<void*>(dst), value, count);
    return CUDA_SUCCESS;
}

CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, CUstream)
{
    return cuMemsetD8_v2(dst, value, count);
}

CUresult cuMemAllocHost_v2(void** ptr, size_t bytes)
{
    if (ptr == nullptr || bytes == 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemAllocHost: null pointer or 0 bytes");
    void* p = std::aligned_alloc(kAlignment, (bytes + kAlignment - 1) / kAlignment * kAlignment);
    if (p == nullptr) return fail(CUDA_ERROR_OUT_OF_MEMORY, "cuMemAllocHost: %zu bytes failed", bytes);
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    h.pinned.insert(p);
    *ptr = p;
    return CUDA_SUCCESS;
}

CUresult cuMemFreeHost(void* ptr)
{
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    if (h.pinned.erase(ptr) == 0)
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFreeHost: %p was not returned by cuMemAllocHost", ptr);
    std::free(ptr);
    return CUDA_SUCCESS;
}

void vcEmuSetMemoryLimit(size_t bytes)
{
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    h.limitRead = true;
    h.limit = bytes;
}

size_t vcEmuGetAllocatedBytes(void)
{
    Heap& h = heap();
    std::lock_guard<std::mutex> lock(h.mutex);
    return h.allocated;
}
}
