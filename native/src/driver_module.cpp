// driver_module.cpp -- cuModuleLoadDataEx / cuModuleGetFunction / cuModuleUnload / cuLaunchKernel.
//
// A module is the list of `.entry` names found in the PTX text; the PTX itself is not executed. A function resolves
// an entry name to the kernel of that name compiled into the emulator from the same kernels/*.cu (registry.hpp).
// cuLaunchKernel validates the configuration with the limits of a real device, checks that pointer arguments point
// into device memory, runs the grid (block_runner.hpp), then checks the guard zones of those allocations.
// Every failure message starts with the kernel name and launch configuration, so the C# side can surface it as-is.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "block_runner.hpp"
#include "errors.hpp"
#include "memory.hpp"
#include "ptx_scan.hpp"
#include "registry.hpp"

struct CUfunc_st
{
    const vc_emu::KernelInfo* kernel;
    CUmodule module;
};

struct CUmod_st
{
    std::vector<std::string> entries;
    std::map<std::string, std::unique_ptr<CUfunc_st>> functions;
};

namespace vc_emu
{
namespace
{
// CUjit_option values (cuda.h) the binding passes for its log buffers.
constexpr int kJitInfoLogBuffer = 3, kJitInfoLogBufferSize = 4, kJitErrorLogBuffer = 5, kJitErrorLogBufferSize = 6;

struct Handles
{
    std::mutex mutex;
    std::set<CUmodule> modules;
    std::set<CUfunction> functions;
};

Handles& handles()
{
    static Handles instance;
    return instance;
}

// Writes `text` into the caller's JIT log buffer (options 3/4 or 5/6) and stores the bytes written back into the
// size option, as the driver does.
void write_log(unsigned numOptions, const CUjit_option* options, void** values, int bufferOption, int sizeOption,
               const std::string& text)
{
    if (options == nullptr || values == nullptr) return;
    char* buffer = nullptr;
    int sizeIndex = -1;
    for (unsigned i = 0; i < numOptions; i++)
    {
        if (options[i] == bufferOption) buffer = static_cast<char*>(values[i]);
        if (options[i] == sizeOption) sizeIndex = static_cast<int>(i);
    }
    if (buffer == nullptr || sizeIndex < 0) return;
    auto capacity = reinterpret_cast<std::uintptr_t>(values[sizeIndex]);
    if (capacity == 0) return;
    std::size_t n = text.size() < capacity - 1 ? text.size() : capacity - 1;
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
    values[sizeIndex] = reinterpret_cast<void*>(static_cast<std::uintptr_t>(n + 1));
}

std::string launch_prefix(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                          unsigned bz, unsigned shared)
{
    char text[256];
    std::snprintf(text, sizeof text, "kernel %s grid (%u,%u,%u) block (%u,%u,%u) dynamic shared %u B: ", name, gx, gy,
                  gz, bx, by, bz, shared);
    return text;
}
} // namespace
} // namespace vc_emu

using namespace vc_emu;

extern "C" {
CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned numOptions, CUjit_option* options,
                            void** optionValues)
{
    if (module == nullptr || image == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuModuleLoadDataEx: null pointer");
    if (CUresult r = require_context("cuModuleLoadDataEx")) return r;
    const char* text = static_cast<const char*>(image);
    if (!looks_like_ptx(text))
    {
        std::string log = "visioncuda_emu: the image is not PTX text (no .version/.target directive); the emulator "
                          "loads PTX only";
        write_log(numOptions, options, optionValues, kJitErrorLogBuffer, kJitErrorLogBufferSize, log);
        return fail(CUDA_ERROR_INVALID_PTX, "cuModuleLoadDataEx: %s", log.c_str());
    }
    auto mod = std::make_unique<CUmod_st>();
    mod->entries = ptx_entries(text);
    write_log(numOptions, options, optionValues, kJitInfoLogBuffer, kJitInfoLogBufferSize,
              "visioncuda_emu: " + std::to_string(mod->entries.size()) + " entries");
    write_log(numOptions, options, optionValues, kJitErrorLogBuffer, kJitErrorLogBufferSize, "");
    Handles& h = handles();
    std::lock_guard<std::mutex> lock(h.mutex);
    *module = mod.release();
    h.modules.insert(*module);
    return CUDA_SUCCESS;
}

CUresult cuModuleLoadData(CUmodule* module, const void* image)
{
    return cuModuleLoadDataEx(module, image, 0, nullptr, nullptr);
}

CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name)
{
    if (function == nullptr || name == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuModuleGetFunction: null pointer");
    Handles& h = handles();
    std::lock_guard<std::mutex> lock(h.mutex);
    if (h.modules.count(module) == 0)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction(%s): %p is not a loaded module", name,
                    static_cast<void*>(module));
    auto found = module->functions.find(name);
    if (found != module->functions.end())
    {
        *function = found->second.get();
        return CUDA_SUCCESS;
    }
    bool inPtx = false;
    for (const auto& e : module->entries) inPtx |= e == name;
    if (!inPtx) return fail(CUDA_ERROR_NOT_FOUND, "cuModuleGetFunction: the module has no .entry %s", name);
    const KernelInfo* kernel = find_kernel(name);
    if (kernel == nullptr)
        return fail(CUDA_ERROR_NOT_FOUND,
                    "cuModuleGetFunction: %s is in the PTX but not compiled into the emulator (missing VC_REGISTER(%s) "
                    "or a stale native/build: rebuild libvisioncuda_emu.so)",
                    name, name);
    auto fn = std::make_unique<CUfunc_st>(CUfunc_st{kernel, module});
    *function = fn.get();
    h.functions.insert(fn.get());
    module->functions.emplace(name, std::move(fn));
    return CUDA_SUCCESS;
}

CUresult cuModuleUnload(CUmodule module)
{
    Handles& h = handles();
    std::lock_guard<std::mutex> lock(h.mutex);
    if (h.modules.erase(module) == 0)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleUnload: %p is not a loaded module", static_cast<void*>(module));
    for (auto& f : module->functions) h.functions.erase(f.second.get());
    delete module;
    return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(CUfunction f, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX, unsigned blockY,
                        unsigned blockZ, unsigned sharedMemBytes, CUstream stream, void** kernelParams, void** extra)
{
    (void)stream; // one in-order queue: every launch completes before it returns
    {
        Handles& h = handles();
        std::lock_guard<std::mutex> lock(h.mutex);
        if (h.functions.count(f) == 0)
            return fail(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel: %p is not a function handle of a loaded module",
                        static_cast<void*>(f));
    }
    const KernelInfo& k = *f->kernel;
    const std::string prefix = launch_prefix(k.name.c_str(), gridX, gridY, gridZ, blockX, blockY, blockZ, sharedMemBytes);
    if (CUresult r = require_context("cuLaunchKernel")) return fail(r, "%s%s", prefix.c_str(), vcEmuGetLastErrorMessage());

    if (gridX == 0 || gridY == 0 || gridZ == 0 || blockX == 0 || blockY == 0 || blockZ == 0)
        return fail(CUDA_ERROR_INVALID_VALUE, "%sgrid and block dimensions must all be > 0", prefix.c_str());
    if (gridX > 2147483647u || gridY > 65535u || gridZ > 65535u)
        return fail(CUDA_ERROR_INVALID_VALUE, "%sgrid exceeds (2^31-1, 65535, 65535)", prefix.c_str());
    if (blockX > 1024u || blockY > 1024u || blockZ > 64u ||
        static_cast<unsigned long long>(blockX) * blockY * blockZ > 1024ull)
        return fail(CUDA_ERROR_INVALID_VALUE, "%smore than 1024 threads per block (or block exceeds (1024,1024,64))",
                    prefix.c_str());
    if (sharedMemBytes > kMaxSharedBytesPerBlock)
        return fail(CUDA_ERROR_INVALID_VALUE, "%sdynamic shared memory exceeds %u bytes per block", prefix.c_str(),
                    kMaxSharedBytesPerBlock);
    if (extra != nullptr && kernelParams == nullptr)
        return fail(CUDA_ERROR_NOT_SUPPORTED, "%sthe emulator supports kernelParams, not `extra`", prefix.c_str());
    const std::size_t paramCount = k.paramSizes.size();
    if (paramCount > 0 && kernelParams == nullptr)
        return fail(CUDA_ERROR_INVALID_VALUE, "%skernelParams is null but the kernel takes %zu parameters",
                    prefix.c_str(), paramCount);

    // Pointer arguments must be null or point into (or one past the end of) a live allocation.
    std::vector<std::uintptr_t> touched;
    for (std::size_t i = 0; i < paramCount; i++)
    {
        if (kernelParams[i] == nullptr)
            return fail(CUDA_ERROR_INVALID_VALUE, "%skernelParams[%zu] is null", prefix.c_str(), i);
        if (!k.isPointer[i]) continue;
        std::uintptr_t p;
        std::memcpy(&p, kernelParams[i], sizeof p);
        if (p == 0) continue;
        AllocationView view;
        if (!find_allocation(p, 0, view))
            return fail(CUDA_ERROR_ILLEGAL_ADDRESS, "%sparameter %zu (0x%llx) is not device memory from cuMemAlloc",
                        prefix.c_str(), i, static_cast<unsigned long long>(p));
        touched.push_back(view.base);
    }

    LaunchConfig config{&k, {gridX, gridY, gridZ}, {blockX, blockY, blockZ}, sharedMemBytes, kernelParams};
    std::string message;
    CUresult result = run_launch(config, message);
    if (result != CUDA_SUCCESS) return fail(result, "%s%s", prefix.c_str(), message.c_str());

    for (std::uintptr_t base : touched)
        if (!guard_intact(base))
            return fail(CUDA_ERROR_ILLEGAL_ADDRESS,
                        "%sa thread wrote past the end of the allocation at 0x%llx (out-of-bounds store)",
                        prefix.c_str(), static_cast<unsigned long long>(base));
    return CUDA_SUCCESS;
}
}
