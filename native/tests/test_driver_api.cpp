// test_driver_api.cpp -- the driver-API stand-ins outside of launches: device queries, contexts, module loading
// (PTX check, JIT log buffers, entry lookup), memory (NaN fill, range checks, frees, memsets, limit), streams,
// events, error names, and the vcEmu* extras.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <thread>

#include "harness.hpp"

namespace
{
bool message_has(const char* text) { return std::strstr(vcEmuGetLastErrorMessage(), text) != nullptr; }

void devices()
{
    int count = 0, version = 0, value = 0;
    CHECK_CU(cuDeviceGetCount(&count));
    CHECK_EQ(count, 1);
    CHECK_CU(cuDriverGetVersion(&version));
    CHECK(version >= 11000);
    CUdevice dev = -1;
    CHECK_CU(cuDeviceGet(&dev, 0));
    CHECK_EQ(cuDeviceGet(&dev, 1), CUDA_ERROR_INVALID_DEVICE);
    char name[64];
    CHECK_CU(cuDeviceGetName(name, sizeof name, 0));
    CHECK(std::strcmp(name, "VisionCuda host emulator") == 0);
    const int expected[][2] = {{1, 1024}, {8, 49152}, {10, 32}, {16, 2}, {75, 8}, {76, 0}};
    for (const auto& e : expected)
    {
        CHECK_CU(cuDeviceGetAttribute(&value, e[0], 0));
        CHECK_EQ(value, e[1]);
    }
    CHECK_EQ(cuDeviceGetAttribute(&value, 100000, 0), CUDA_ERROR_INVALID_VALUE);
    size_t total = 0, freeBytes = 0;
    CHECK_CU(cuDeviceTotalMem_v2(&total, 0));
    CHECK(total > 0);
    CHECK_CU(cuMemGetInfo_v2(&freeBytes, &total));
    CHECK(freeBytes <= total);
}

void modules(Emu& emu)
{
    CUmodule m = nullptr;
    char log[256] = {};
    CUjit_option options[] = {5, 6};
    void* values[] = {log, reinterpret_cast<void*>(static_cast<std::uintptr_t>(sizeof log))};
    const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 0};
    CHECK_EQ(cuModuleLoadDataEx(&m, elf, 2, options, values), CUDA_ERROR_INVALID_PTX);
    CHECK(std::strstr(log, "not PTX") != nullptr);
    CHECK(reinterpret_cast<std::uintptr_t>(values[1]) == std::strlen(log) + 1);

    // Entries inside comments do not count; an entry the emulator does not have fails at GetFunction.
    const char* ptx = ".version 7.5\n.target sm_75\n// .entry commented_out(\n/* .entry also_not( */\n"
                      ".visible .entry selftest_reverse(\n.param .u64 a)\n{ ret; }\n"
                      ".visible .entry not_compiled_in(\n)\n{ ret; }\n";
    CHECK_CU(cuModuleLoadDataEx(&m, ptx, 0, nullptr, nullptr));
    CUfunction f = nullptr;
    CHECK_CU(cuModuleGetFunction(&f, m, "selftest_reverse"));
    CHECK_EQ(cuModuleGetFunction(&f, m, "commented_out"), CUDA_ERROR_NOT_FOUND);
    CHECK_EQ(cuModuleGetFunction(&f, m, "selftest_barrier_count"), CUDA_ERROR_NOT_FOUND); // registered, not in PTX
    CHECK_EQ(cuModuleGetFunction(&f, m, "not_compiled_in"), CUDA_ERROR_NOT_FOUND);
    CHECK(message_has("not compiled into the emulator"));
    CHECK_CU(cuModuleUnload(m));
    CHECK_EQ(cuModuleUnload(m), CUDA_ERROR_INVALID_HANDLE);
    (void)emu;

    int count = 0, sizes[8] = {};
    CHECK_EQ(vcEmuGetKernelInfo("selftest_philox", &count, sizes, 8), 1);
    CHECK_EQ(count, 5);
    CHECK_EQ(sizes[0], 8);
    CHECK_EQ(sizes[2], 8);
    CHECK_EQ(sizes[4], 4);
    CHECK_EQ(vcEmuGetKernelInfo("no_such_kernel", &count, sizes, 8), 0);
}

void memory()
{
    std::size_t before = vcEmuGetAllocatedBytes();
    CUdeviceptr p = 0;
    CHECK_CU(cuMemAlloc_v2(&p, 64 * sizeof(float)));
    CHECK(p % 256 == 0);
    CHECK_EQ(vcEmuGetAllocatedBytes(), before + 64 * sizeof(float));
    std::vector<float> h(64);
    CHECK_CU(cuMemcpyDtoH_v2(h.data(), p, 64 * sizeof(float)));
    for (float v : h) CHECK(std::isnan(v)); // fresh device memory is garbage, and the emulator makes it NaN

    CHECK_CU(cuMemsetD32_v2(p, 0x3f800000u, 64));
    CHECK_CU(cuMemcpyDtoH_v2(h.data(), p, 64 * sizeof(float)));
    for (float v : h) CHECK_EQ(v, 1.0f);
    CHECK_CU(cuMemcpyHtoD_v2(p + 60 * sizeof(float), h.data(), 4 * sizeof(float)));
    CHECK_EQ(cuMemcpyHtoD_v2(p + 61 * sizeof(float), h.data(), 4 * sizeof(float)), CUDA_ERROR_INVALID_VALUE);
    CHECK_EQ(cuMemcpyDtoH_v2(h.data(), reinterpret_cast<CUdeviceptr>(h.data()), 4), CUDA_ERROR_INVALID_VALUE);
    CHECK_EQ(cuMemsetD32_v2(p + 2, 0, 1), CUDA_ERROR_INVALID_VALUE); // misaligned
    CHECK_EQ(cuMemFree_v2(p + 4), CUDA_ERROR_INVALID_VALUE);
    CHECK(message_has("not returned by cuMemAlloc"));
    CHECK_CU(cuMemFree_v2(p));
    CHECK_EQ(cuMemFree_v2(p), CUDA_ERROR_INVALID_VALUE); // double free
    CHECK_EQ(vcEmuGetAllocatedBytes(), before);

    vcEmuSetMemoryLimit(1 << 20);
    CHECK_EQ(cuMemAlloc_v2(&p, 2 << 20), CUDA_ERROR_OUT_OF_MEMORY);
    CHECK_CU(cuMemAlloc_v2(&p, 1 << 19));
    CHECK_CU(cuMemFree_v2(p));
    vcEmuSetMemoryLimit(0);

    void* pinned = nullptr;
    CHECK_CU(cuMemAllocHost_v2(&pinned, 1000));
    CHECK_CU(cuMemFreeHost(pinned));
    CHECK_EQ(cuMemFreeHost(h.data()), CUDA_ERROR_INVALID_VALUE);

    // The driver needs a current context per OS thread; a thread that never set one is refused.
    CUresult fromOtherThread = CUDA_SUCCESS;
    std::thread([&] { fromOtherThread = cuMemAlloc_v2(&p, 16); }).join();
    CHECK_EQ(fromOtherThread, CUDA_ERROR_INVALID_CONTEXT);
}

void streams_and_events()
{
    CUstream s = nullptr;
    CHECK_CU(cuStreamCreate(&s, 1));
    CHECK_CU(cuStreamSynchronize(s));
    CHECK_CU(cuStreamSynchronize(nullptr));
    CUevent a = nullptr, b = nullptr, untimed = nullptr;
    CHECK_CU(cuEventCreate(&a, 0));
    CHECK_CU(cuEventCreate(&b, 0));
    CHECK_CU(cuEventCreate(&untimed, 2));
    float ms = -1;
    CHECK_EQ(cuEventElapsedTime(&ms, a, b), CUDA_ERROR_NOT_READY);
    CHECK_CU(cuEventRecord(a, s));
    CHECK_CU(cuEventRecord(b, s));
    CHECK_CU(cuEventRecord(untimed, s));
    CHECK_CU(cuEventSynchronize(b));
    CHECK_CU(cuEventElapsedTime(&ms, a, b));
    CHECK(ms >= 0);
    CHECK_EQ(cuEventElapsedTime(&ms, a, untimed), CUDA_ERROR_INVALID_HANDLE);
    CHECK_CU(cuEventDestroy_v2(a));
    CHECK_CU(cuEventDestroy_v2(b));
    CHECK_CU(cuEventDestroy_v2(untimed));
    CHECK_CU(cuStreamDestroy_v2(s));
    CHECK_EQ(cuStreamDestroy_v2(s), CUDA_ERROR_INVALID_HANDLE);

    const char* text = nullptr;
    CHECK_CU(cuGetErrorName(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, &text));
    CHECK(std::strcmp(text, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES") == 0);
    CHECK_CU(cuGetErrorString(CUDA_ERROR_INVALID_PTX, &text));
    CHECK(text != nullptr && *text != '\0');
    CHECK_EQ(cuGetErrorName(123456, &text), CUDA_ERROR_INVALID_VALUE);
}
} // namespace

int main()
{
    CUdevice dev;
    CHECK_EQ(cuDeviceGet(&dev, 0), CUDA_ERROR_NOT_INITIALIZED); // before cuInit
    Emu emu({"selftest_reverse"});
    devices();
    modules(emu);
    memory();
    streams_and_events();
    return vc_test_finish("test_driver_api");
}
