// registry.cpp -- see registry.hpp. The map is a function-local static so that registrations from static
// initializers in any translation unit find it constructed (no static-initialization-order problem).
#include "registry.hpp"

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include "../../kernels/common/platform_emu.cuh" // declaration of vc_emu::register_kernel
#include "visioncuda_emu.h"

namespace vc_emu
{
namespace
{
struct Registry
{
    std::mutex mutex;
    std::map<std::string, std::unique_ptr<KernelInfo>> kernels;
};

Registry& registry()
{
    static Registry instance;
    return instance;
}
} // namespace

void register_kernel(const char* name, Thunk thunk, void* fn, int paramCount, const int* paramSizes,
                     const unsigned char* paramIsPointer)
{
    auto info = std::make_unique<KernelInfo>();
    info->name = name;
    info->thunk = thunk;
    info->fn = fn;
    info->paramSizes.assign(paramSizes, paramSizes + paramCount);
    info->isPointer.assign(paramIsPointer, paramIsPointer + paramCount);
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto& slot = r.kernels[name];
    // extern "C" names are unique within one link; a second registration can only come from a test executable
    // that re-registers a kernel. Last one wins, and say so, since that is surprising.
    if (slot) std::fprintf(stderr, "visioncuda_emu: kernel %s registered twice; using the later one\n", name);
    slot = std::move(info);
}

const KernelInfo* find_kernel(const std::string& name)
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.kernels.find(name);
    return it == r.kernels.end() ? nullptr : it->second.get();
}
} // namespace vc_emu

extern "C" int vcEmuGetKernelInfo(const char* name, int* paramCount, int* sizes, int maxSizes)
{
    if (name == nullptr) return 0;
    const vc_emu::KernelInfo* k = vc_emu::find_kernel(name);
    if (k == nullptr) return 0;
    if (paramCount != nullptr) *paramCount = static_cast<int>(k->paramSizes.size());
    for (int i = 0; sizes != nullptr && i < maxSizes && i < static_cast<int>(k->paramSizes.size()); i++)
        sizes[i] = k->paramSizes[i];
    return 1;
}
