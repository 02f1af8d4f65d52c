// gpu_selftest.cpp -- runs the kernels/selftest/*.cu kernels through any library that exports the CUDA driver API:
// the real libcuda.so.1 on a GPU machine, or libvisioncuda_emu.so. Same checks either way, so the emulator and real
// hardware are held to the same expectations, and the device math of the clang build (common/math_soft.cuh, which
// only a GPU can execute) is measured against double precision.
//
//   gpu_selftest <driver library> <ptx dir | -> [arch]
//     driver library: libcuda.so.1, or a path to libvisioncuda_emu.so
//     ptx dir: folder with <file>.<arch>.ptx (e.g. obj/.../ptx); "-" synthesises entry-only PTX (emulator only)
//     arch: sm_80 (default) or sm_75
//
// Optional extra: if <ptx dir>/missing_sync.<arch>.ptx exists (kernels/broken/ compiled by hand) it reports how many
// elements the race corrupts on this device; informational only, a GPU may well hide the race.
// Built by native/CMakeLists.txt; ctest runs it against the emulator (test gpu_selftest_emulator).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace
{
using CUresult = int;
using CUdeviceptr = unsigned long long;
using Handle = void*;

struct Driver
{
    CUresult (*cuInit)(unsigned);
    CUresult (*cuDeviceGet)(int*, int);
    CUresult (*cuDeviceGetName)(char*, int, int);
    CUresult (*cuDevicePrimaryCtxRetain)(Handle*, int);
    CUresult (*cuCtxSetCurrent)(Handle);
    CUresult (*cuCtxSynchronize)();
    CUresult (*cuModuleLoadDataEx)(Handle*, const void*, unsigned, int*, void**);
    CUresult (*cuModuleGetFunction)(Handle*, Handle, const char*);
    CUresult (*cuLaunchKernel)(Handle, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, Handle,
                               void**, void**);
    CUresult (*cuMemAlloc_v2)(CUdeviceptr*, size_t);
    CUresult (*cuMemFree_v2)(CUdeviceptr);
    CUresult (*cuMemcpyHtoD_v2)(CUdeviceptr, const void*, size_t);
    CUresult (*cuMemcpyDtoH_v2)(void*, CUdeviceptr, size_t);
    CUresult (*cuGetErrorName)(CUresult, const char**);
};

Driver drv;
int failures = 0;
std::string ptxDir, arch = "sm_80";

template <typename F>
void load(void* lib, F& fn, const char* name)
{
    fn = reinterpret_cast<F>(dlsym(lib, name));
    if (fn == nullptr)
    {
        std::fprintf(stderr, "missing symbol %s\n", name);
        std::exit(2);
    }
}

void check(CUresult r, const char* what)
{
    if (r == 0) return;
    const char* name = "?";
    drv.cuGetErrorName(r, &name);
    std::fprintf(stderr, "FAIL %s: %s (%d)\n", what, name, r);
    std::exit(1);
}

void expect(bool ok, const char* what)
{
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

Handle module_for(const std::string& file, const char* entry)
{
    std::string text;
    if (ptxDir == "-")
        text = std::string(".version 7.5\n.target sm_80\n.visible .entry ") + entry + "()\n{ ret; }\n";
    else
    {
        std::ifstream in(ptxDir + "/" + file + "." + arch + ".ptx");
        if (!in) return nullptr;
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    }
    char log[4096] = {};
    int options[] = {5, 6};
    void* values[] = {log, reinterpret_cast<void*>(static_cast<std::uintptr_t>(sizeof log))};
    Handle m = nullptr;
    CUresult r = drv.cuModuleLoadDataEx(&m, text.c_str(), 2, options, values);
    if (r != 0) std::fprintf(stderr, "JIT log for %s: %s\n", file.c_str(), log);
    check(r, file.c_str());
    return m;
}

Handle function(const std::string& file, const char* entry)
{
    Handle m = module_for(file, entry);
    if (m == nullptr) return nullptr;
    Handle f = nullptr;
    check(drv.cuModuleGetFunction(&f, m, entry), entry);
    return f;
}

template <typename T>
struct Buf
{
    CUdeviceptr p = 0;
    size_t n;
    explicit Buf(size_t count) : n(count) { check(drv.cuMemAlloc_v2(&p, n * sizeof(T)), "alloc"); }
    explicit Buf(const std::vector<T>& h) : Buf(h.size()) { check(drv.cuMemcpyHtoD_v2(p, h.data(), n * sizeof(T)), "HtoD"); }
    ~Buf() { drv.cuMemFree_v2(p); }
    std::vector<T> get() const
    {
        std::vector<T> h(n);
        check(drv.cuMemcpyDtoH_v2(h.data(), p, n * sizeof(T)), "DtoH");
        return h;
    }
};

template <typename... Args>
void launch(Handle f, unsigned gx, unsigned gy, unsigned bx, unsigned by, unsigned shared, Args... args)
{
    void* params[] = {static_cast<void*>(&args)..., nullptr};
    check(drv.cuLaunchKernel(f, gx, gy, 1, bx, by, 1, shared, nullptr, params, nullptr), "launch");
    check(drv.cuCtxSynchronize(), "synchronize");
}

double ulp_error(float got, double exact)
{
    if (std::isnan(exact)) return std::isnan(got) ? 0 : 1e9;
    float e = static_cast<float>(exact);
    if (std::isinf(e)) return got == e ? 0 : 1e9;
    double ulp = std::nextafter(std::fabs(e), INFINITY) - std::fabs(e);
    if (std::fabs(e) < 1.1754944e-38f) ulp = std::ldexp(1.0, -149);
    return std::fabs(got - exact) / ulp;
}

void math_checks()
{
    Handle f = function("selftest_math", "selftest_math");
    if (f == nullptr) return;
    struct Case
    {
        const char* name;
        int op;
        double lo, hi, y, bound;
        double (*ref)(double, double);
    };
    const Case cases[] = {
        {"expf [-104, 89]", 0, -104, 89, 0, 4, [](double x, double) { return std::exp(x); }},
        {"exp2f [-150, 128]", 1, -150, 128, 0, 4, [](double x, double) { return std::exp2(x); }},
        {"logf [1e-30, 1e30]", 2, 1e-30, 1e30, 0, 3, [](double x, double) { return std::log(x); }},
        {"logf [0.5, 2]", 2, 0.5, 2, 0, 3, [](double x, double) { return std::log(x); }},
        {"log1pf [-0.999, 10]", 3, -0.999, 10, 0, 4, [](double x, double) { return std::log1p(x); }},
        {"log1pf [-1e-6, 1e-6]", 3, -1e-6, 1e-6, 0, 4, [](double x, double) { return std::log1p(x); }},
        {"tanhf [-12, 12]", 4, -12, 12, 0, 8, [](double x, double) { return std::tanh(x); }},
        {"tanhf [-0.01, 0.01]", 4, -0.01, 0.01, 0, 8, [](double x, double) { return std::tanh(x); }},
        {"powf(x, 3.7) [1e-3, 100]", 5, 1e-3, 100, 3.7, 23, [](double x, double y) { return std::pow(x, y); }},
        {"powf(x, -0.5) [1e-6, 1e6]", 5, 1e-6, 1e6, -0.5, 12, [](double x, double y) { return std::pow(x, y); }},
        {"powf(x, 3) [-10, 10]", 5, -10, 10, 3, 2, [](double x, double y) { return std::pow(x, y); }},
        {"sqrtf [0, 1e6]", 6, 0, 1e6, 0, 0.5, [](double x, double) { return std::sqrt(x); }},
        {"rsqrtf [1e-6, 1e6]", 7, 1e-6, 1e6, 0, 2, [](double x, double) { return 1 / std::sqrt(x); }},
        {"floorf [-100, 100]", 8, -100, 100, 0, 0, [](double x, double) { return std::floor(x); }},
    };
    const int n = 1 << 18;
    std::vector<float> x(n), y(n);
    for (const Case& c : cases)
    {
        for (int i = 0; i < n; i++)
        {
            x[i] = static_cast<float>(c.lo + (c.hi - c.lo) * i / (n - 1));
            y[i] = static_cast<float>(c.y);
        }
        Buf<float> dx(x), dy(y), out(n);
        launch(f, (n + 255) / 256, 1, 256, 1, 0, dx.p, dy.p, out.p, c.op, n);
        auto r = out.get();
        double worst = 0, at = 0;
        for (int i = 0; i < n; i++)
        {
            double e = ulp_error(r[i], c.ref(x[i], y[i]));
            if (e > worst) { worst = e; at = x[i]; }
        }
        char text[200];
        std::snprintf(text, sizeof text, "%-28s max %.2f ulp at %.9g (bound %.1f)", c.name, worst, at, c.bound);
        expect(worst <= c.bound, text);
    }
}

void kernel_checks()
{
    // Philox: C# VisionCuda.Random.Philox values (see native/tests/test_philox.cpp).
    if (Handle f = function("selftest_philox", "selftest_philox"))
    {
        const unsigned expected[] = {0x7E558EB5u, 0x4C42AB15u, 0x6B26B27Au, 0x28B96EACu,
                                     0x2BAA9618u, 0x854EA3B7u, 0x941F25F1u, 0x9AC0725Au};
        Buf<unsigned> bits(8);
        Buf<float> u(8);
        launch(f, 1, 1, 32, 1, 0, bits.p, u.p, 0x7F8BC81E0263B4DBull, 1000ull, 8);
        auto b = bits.get();
        expect(std::memcmp(b.data(), expected, sizeof expected) == 0, "philox matches C# Philox.Next");
    }
    // Warp ops.
    if (Handle f = function("selftest_warp", "selftest_warp_ops"))
    {
        const unsigned n = 256;
        std::vector<float> in(n);
        for (unsigned i = 0; i < n; i++) in[i] = (i % 3 == 0) ? -static_cast<float>(i % 7) : static_cast<float>(i % 11);
        Buf<float> din(in), sums(n / 32), all(n), bc(n);
        Buf<unsigned> ballots(n / 32), lanes(n);
        launch(f, 2, 1, 128, 1, 0, din.p, sums.p, all.p, ballots.p, lanes.p, bc.p);
        auto s = sums.get(), a = all.get(), c = bc.get();
        auto b = ballots.get(), l = lanes.get();
        bool ok = true;
        for (unsigned w = 0; w < n / 32; w++)
        {
            float sum = 0;
            unsigned ballot = 0;
            for (unsigned lane = 0; lane < 32; lane++)
            {
                sum += in[w * 32 + lane];
                if (in[w * 32 + lane] > 0) ballot |= 1u << lane;
            }
            ok &= s[w] == sum && b[w] == ballot;
            for (unsigned lane = 0; lane < 32; lane++)
                ok &= a[w * 32 + lane] == sum && l[w * 32 + lane] == lane && c[w * 32 + lane] == in[w * 32 + 7];
        }
        expect(ok, "warp shfl_down / shfl_xor / shfl / ballot / lane id");
    }
    // Atomics.
    if (Handle f = function("selftest_atomics", "selftest_atomics"))
    {
        const int n = 1000;
        std::vector<float> in(n);
        float sum = 0, mx = -1e30f;
        for (int i = 0; i < n; i++)
        {
            in[i] = static_cast<float>((i * 37) % 101) - 50.0f;
            sum += in[i];
            mx = std::fmax(mx, in[i]);
        }
        Buf<float> din(in), fsum(std::vector<float>{0}), fmax(std::vector<float>{-1e30f});
        Buf<int> isum(std::vector<int>{0}), ticket(std::vector<int>{0});
        launch(f, 4, 1, 256, 1, 0, din.p, n, fsum.p, isum.p, fmax.p, ticket.p);
        expect(fsum.get()[0] == sum && isum.get()[0] == n && fmax.get()[0] == mx && ticket.get()[0] == n,
               "atomic add f32/i32, max f32, cas");
    }
    // Barrier kernels.
    if (Handle f = function("selftest_barrier", "selftest_reverse"))
    {
        const int n = 3 * 1024;
        std::vector<float> in(n);
        for (int i = 0; i < n; i++) in[i] = static_cast<float>(i);
        Buf<float> din(in), out(n);
        launch(f, 3, 1, 1024, 1, 4096, out.p, din.p, n);
        auto r = out.get();
        bool ok = true;
        for (int i = 0; i < n; i++) ok &= r[i] == in[i / 1024 * 1024 + (1023 - i % 1024)];
        expect(ok, "block reverse through dynamic shared memory");
    }
    if (Handle f = function("selftest_barrier", "selftest_barrier_count"))
    {
        Buf<int> out(4 * 96);
        launch(f, 4, 1, 96, 1, 0, out.p);
        bool ok = true;
        for (int v : out.get()) ok &= v == 3 * 96;
        expect(ok, "three barrier-separated counting rounds");
    }
    // Transpose, and (informational) its missing-sync twin.
    for (const char* name : {"selftest_transpose", "missing_sync"})
    {
        bool broken = std::strcmp(name, "missing_sync") == 0;
        if (broken && ptxDir == "-") continue;
        Handle f = function(name, broken ? "selftest_transpose_nosync" : "selftest_transpose");
        if (f == nullptr) continue;
        const int rows = 257, cols = 300;
        std::vector<float> in(rows * cols);
        for (int i = 0; i < rows * cols; i++) in[i] = static_cast<float>(i % 9973) + 0.5f;
        Buf<float> din(in), out(rows * cols);
        launch(f, (cols + 31) / 32, (rows + 31) / 32, 32, 8, 0, out.p, din.p, rows, cols);
        auto r = out.get();
        int wrong = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) wrong += r[j * rows + i] != in[i * cols + j];
        if (broken)
            std::printf("info missing-sync transpose on this device: %d of %d elements wrong\n", wrong, rows * cols);
        else
            expect(wrong == 0, "tiled transpose 257x300");
    }
}
} // namespace

int main(int argc, char** argv)
{
    if (argc < 3)
    {
        std::fprintf(stderr, "usage: gpu_selftest <libcuda.so.1 | libvisioncuda_emu.so> <ptx dir | -> [sm_80|sm_75]\n");
        return 2;
    }
    ptxDir = argv[2];
    if (argc > 3) arch = argv[3];
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr)
    {
        std::fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 2;
    }
    load(lib, drv.cuInit, "cuInit");
    load(lib, drv.cuDeviceGet, "cuDeviceGet");
    load(lib, drv.cuDeviceGetName, "cuDeviceGetName");
    load(lib, drv.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
    load(lib, drv.cuCtxSetCurrent, "cuCtxSetCurrent");
    load(lib, drv.cuCtxSynchronize, "cuCtxSynchronize");
    load(lib, drv.cuModuleLoadDataEx, "cuModuleLoadDataEx");
    load(lib, drv.cuModuleGetFunction, "cuModuleGetFunction");
    load(lib, drv.cuLaunchKernel, "cuLaunchKernel");
    load(lib, drv.cuMemAlloc_v2, "cuMemAlloc_v2");
    load(lib, drv.cuMemFree_v2, "cuMemFree_v2");
    load(lib, drv.cuMemcpyHtoD_v2, "cuMemcpyHtoD_v2");
    load(lib, drv.cuMemcpyDtoH_v2, "cuMemcpyDtoH_v2");
    load(lib, drv.cuGetErrorName, "cuGetErrorName");

    int dev = 0;
    Handle ctx = nullptr;
    char name[256] = {};
    check(drv.cuInit(0), "cuInit");
    check(drv.cuDeviceGet(&dev, 0), "cuDeviceGet");
    check(drv.cuDeviceGetName(name, sizeof name, dev), "cuDeviceGetName");
    check(drv.cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
    check(drv.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    std::printf("device: %s, PTX: %s (%s)\n", name, ptxDir.c_str(), arch.c_str());
    kernel_checks();
    math_checks();
    std::printf("gpu_selftest: %s\n", failures == 0 ? "all checks passed" : "FAILED");
    return failures == 0 ? 0 : 1;
}
