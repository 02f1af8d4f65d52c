// harness.hpp -- tiny test harness for the emulator's ctest executables: CHECK macros and an Emu fixture that drives
// libvisioncuda_emu.so through the driver-API C ABI, exactly as the C# binding does.
//
//   Emu emu({"selftest_reverse"});                  // cuInit + context + module whose PTX declares these entries
//   DeviceBuffer<float> buf(emu, host);              // cuMemAlloc + HtoD
//   CUresult r = emu.launch("selftest_reverse", {gx,1,1}, {bx,1,1}, sharedBytes, buf.ptr, n);
//   auto out = buf.download();
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include "visioncuda_emu.h"

inline int& vc_test_failures()
{
    static int failures = 0;
    return failures;
}

#define CHECK(cond)                                                                                                   \
    do                                                                                                                \
    {                                                                                                                 \
        if (!(cond))                                                                                                  \
        {                                                                                                             \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                             \
            vc_test_failures()++;                                                                                     \
        }                                                                                                             \
    } while (0)

#define CHECK_EQ(a, b)                                                                                                \
    do                                                                                                                \
    {                                                                                                                 \
        auto vc_a = (a);                                                                                              \
        auto vc_b = (b);                                                                                              \
        if (!(vc_a == vc_b))                                                                                          \
        {                                                                                                             \
            std::fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%s vs %s)\n", __FILE__, __LINE__, #a, #b,         \
                         std::to_string(vc_a).c_str(), std::to_string(vc_b).c_str());                               \
            vc_test_failures()++;                                                                                     \
        }                                                                                                             \
    } while (0)

// Checks a CUresult; prints the emulator's message on failure.
#define CHECK_CU(expr)                                                                                                \
    do                                                                                                                \
    {                                                                                                                 \
        CUresult vc_r = (expr);                                                                                       \
        if (vc_r != CUDA_SUCCESS)                                                                                     \
        {                                                                                                             \
            std::fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #expr, vc_r,                      \
                         vcEmuGetLastErrorMessage());                                                                 \
            vc_test_failures()++;                                                                                     \
        }                                                                                                             \
    } while (0)

inline int vc_test_finish(const char* name)
{
    if (vc_test_failures() == 0)
    {
        std::printf("%s: all checks passed\n", name);
        return 0;
    }
    std::printf("%s: %d check(s) failed\n", name, vc_test_failures());
    return 1;
}

struct Dim
{
    unsigned x = 1, y = 1, z = 1;
};

class Emu
{
public:
    explicit Emu(std::initializer_list<const char*> entries)
    {
        CHECK_CU(cuInit(0));
        CHECK_CU(cuDevicePrimaryCtxRetain(&ctx_, 0));
        CHECK_CU(cuCtxSetCurrent(ctx_));
        std::string ptx = ".version 7.5\n.target sm_80\n.address_size 64\n";
        for (const char* e : entries) ptx += std::string(".visible .entry ") + e + "(\n)\n{\n\tret;\n}\n";
        CHECK_CU(cuModuleLoadDataEx(&module_, ptx.c_str(), 0, nullptr, nullptr));
    }
    ~Emu()
    {
        cuModuleUnload(module_);
        cuDevicePrimaryCtxRelease_v2(0);
    }

    CUfunction function(const char* name)
    {
        CUfunction f = nullptr;
        CHECK_CU(cuModuleGetFunction(&f, module_, name));
        return f;
    }

    // Launches `name` with the given arguments (each passed by address in kernelParams, as the binding does).
    template <typename... Args>
    CUresult launch(const char* name, Dim grid, Dim block, unsigned sharedBytes, Args... args)
    {
        CUfunction f = nullptr;
        if (CUresult r = cuModuleGetFunction(&f, module_, name)) return r;
        void* params[sizeof...(Args) + 1] = {static_cast<void*>(&args)..., nullptr};
        return cuLaunchKernel(f, grid.x, grid.y, grid.z, block.x, block.y, block.z, sharedBytes, nullptr, params,
                              nullptr);
    }

    CUmodule module() const { return module_; }

private:
    CUcontext ctx_ = nullptr;
    CUmodule module_ = nullptr;
};

template <typename T>
class DeviceBuffer
{
public:
    explicit DeviceBuffer(std::size_t count) : count_(count) { CHECK_CU(cuMemAlloc_v2(&dptr_, count * sizeof(T))); }
    explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) { upload(host); }
    ~DeviceBuffer() { cuMemFree_v2(dptr_); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    void upload(const std::vector<T>& host) { CHECK_CU(cuMemcpyHtoD_v2(dptr_, host.data(), host.size() * sizeof(T))); }
    std::vector<T> download() const
    {
        std::vector<T> host(count_);
        CHECK_CU(cuMemcpyDtoH_v2(host.data(), dptr_, count_ * sizeof(T)));
        return host;
    }
    T* ptr() const { return reinterpret_cast<T*>(dptr_); }
    CUdeviceptr dptr() const { return dptr_; }

private:
    std::size_t count_;
    CUdeviceptr dptr_ = 0;
};
