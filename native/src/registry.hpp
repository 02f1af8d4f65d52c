// registry.hpp -- kernels compiled into the emulator, by name. Each VC_REGISTER(kernel) in kernels/*.cu adds one
// entry from a static initializer when the library (or a test executable holding extra kernels) is loaded.
#pragma once

#include <string>
#include <vector>

namespace vc_emu
{
using Thunk = void (*)(void* fn, void** params);

struct KernelInfo
{
    std::string name;
    Thunk thunk;                          // unpacks kernelParams and calls fn
    void* fn;
    std::vector<int> paramSizes;          // sizeof each parameter, in order
    std::vector<unsigned char> isPointer; // pointer params are checked against device allocations at launch
};

// nullptr if no kernel of that name was registered. The returned entry lives until the process exits.
const KernelInfo* find_kernel(const std::string& name);
} // namespace vc_emu
