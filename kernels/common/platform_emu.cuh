// platform_emu.cuh -- common.cuh under -DVC_HOST_EMULATION: kernels compiled as host C++17 into the emulator
// (native/, libvisioncuda_emu.so).
//
// Execution model (native/src/block_runner.cpp): blocks run one after another on the calling OS thread; inside a
// block every CUDA thread is a fiber with its own stack. vc_sync() parks the fiber until every live thread of the
// block has arrived; warp ops park it until all live lanes of its warp have arrived (a warp-level barrier exchange).
// Between barriers the fibers run one at a time, in a seeded pseudo-random order (VC_EMU_SEED).
//
// Layout of the emulated state: threadIdx etc. are thread_local variables that the scheduler rewrites before it
// switches into a fiber. Static shared memory is a function-local `static thread_local` array: one copy per OS
// thread, shared by all fibers of the running block; the first thread of each block to pass the declaration fills
// it with 0xFF bytes (NaN floats, -1 ints) and adds its size to the block's shared-memory total (limit 48 KiB).
// Dynamic shared memory is a per-launch buffer, also 0xFF-filled at block start, with a guard zone behind it.
//
// Atomics are plain read-modify-writes: only one fiber of one launch runs at a time on an OS thread, and fibers
// never preempt each other.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

#define VC_EMU_API __attribute__((visibility("default")))

namespace vc_emu
{
struct dim3_t
{
    unsigned x, y, z;
};

// Set by the scheduler; read through the const views below.
extern thread_local VC_EMU_API dim3_t tl_threadIdx, tl_blockIdx, tl_blockDim, tl_gridDim;

VC_EMU_API void sync_threads();
VC_EMU_API void sync_warp();
VC_EMU_API unsigned lane_id();
// One warp-level exchange: every live lane contributes `value`; returns the result for this lane.
enum WarpOp : int { WarpShflDown = 1, WarpShflXor = 2, WarpShflIdx = 3, WarpBallot = 4, WarpSync = 5 };
VC_EMU_API unsigned warp_exchange(WarpOp op, int arg, unsigned value);
VC_EMU_API void* dynamic_shared();
VC_EMU_API void shared_first_touch(void* storage, std::size_t bytes, unsigned long long* generation);

using Thunk = void (*)(void* fn, void** params);
VC_EMU_API void register_kernel(const char* name, Thunk thunk, void* fn, int paramCount, const int* paramSizes,
                                const unsigned char* paramIsPointer);

// Calls fn(*(A0*)params[0], *(A1*)params[1], ...): the unpacking of cuLaunchKernel's kernelParams.
template <typename... Args, std::size_t... I>
inline void invoke_unpacked(void (*fn)(Args...), void** params, std::index_sequence<I...>)
{
    fn(*static_cast<std::remove_cv_t<Args>*>(params[I])...);
}

template <typename... Args>
struct Registrar
{
    static_assert((std::is_trivially_copyable_v<Args> && ...),
                  "VC_REGISTER: kernel parameters must be scalars or pointers (trivially copyable)");
    static_assert((!std::is_reference_v<Args> && ...), "VC_REGISTER: kernel parameters cannot be references");

    static void thunk(void* fn, void** params)
    {
        invoke_unpacked(reinterpret_cast<void (*)(Args...)>(fn), params, std::index_sequence_for<Args...>{});
    }

    Registrar(const char* name, void (*fn)(Args...))
    {
        static const int sizes[sizeof...(Args) + 1] = {static_cast<int>(sizeof(Args))..., 0};
        static const unsigned char isPointer[sizeof...(Args) + 1] = {
            static_cast<unsigned char>(std::is_pointer_v<Args>)..., 0};
        register_kernel(name, &thunk, reinterpret_cast<void*>(fn), static_cast<int>(sizeof...(Args)), sizes,
                        isPointer);
    }
};

template <typename... Args>
Registrar<Args...> make_registrar(const char* name, void (*fn)(Args...))
{
    return Registrar<Args...>(name, fn);
}
} // namespace vc_emu

// const views: kernels can read but not assign threadIdx & co., as on the device.
#define threadIdx (static_cast<const ::vc_emu::dim3_t&>(::vc_emu::tl_threadIdx))
#define blockIdx (static_cast<const ::vc_emu::dim3_t&>(::vc_emu::tl_blockIdx))
#define blockDim (static_cast<const ::vc_emu::dim3_t&>(::vc_emu::tl_blockDim))
#define gridDim (static_cast<const ::vc_emu::dim3_t&>(::vc_emu::tl_gridDim))

#define VC_KERNEL extern "C" void
#define VC_DEVICE static inline
#define VC_DEVICE_MEMBER inline
#define VC_LAUNCH_BOUNDS(threads)
#define VC_REGISTER(name) static const auto vc_emu_registrar_##name = ::vc_emu::make_registrar(#name, &name)
// One static copy per OS thread (all fibers of the running block share it); the first toucher in each block
// NaN-fills it. The extra statement after the declaration is why VC_SHARED must be used at block scope.
#define VC_SHARED(type, name, dims)                                                                                  \
    static thread_local type name dims;                                                                              \
    static thread_local unsigned long long vc_emu_gen_##name = 0;                                                    \
    ::vc_emu::shared_first_touch(static_cast<void*>(&name), sizeof(name), &vc_emu_gen_##name)
#define VC_DYNAMIC_SHARED(type, name) type* const name = static_cast<type*>(::vc_emu::dynamic_shared())

#define VC_INF __builtin_huge_valf()
#define VC_NAN __builtin_nanf("")

VC_DEVICE void vc_sync() { ::vc_emu::sync_threads(); }
VC_DEVICE void vc_syncwarp() { ::vc_emu::sync_warp(); }

VC_DEVICE int vc_float_as_int(float f) { int i; std::memcpy(&i, &f, sizeof i); return i; }
VC_DEVICE float vc_int_as_float(int i) { float f; std::memcpy(&f, &i, sizeof f); return f; }

VC_DEVICE unsigned vc_lane_id() { return ::vc_emu::lane_id(); }
VC_DEVICE int vc_shfl_down_i32(int v, int offset) { return (int)::vc_emu::warp_exchange(::vc_emu::WarpShflDown, offset, (unsigned)v); }
VC_DEVICE int vc_shfl_xor_i32(int v, int mask) { return (int)::vc_emu::warp_exchange(::vc_emu::WarpShflXor, mask, (unsigned)v); }
VC_DEVICE int vc_shfl_i32(int v, int srcLane) { return (int)::vc_emu::warp_exchange(::vc_emu::WarpShflIdx, srcLane, (unsigned)v); }
VC_DEVICE float vc_shfl_down_f32(float v, int offset) { return vc_int_as_float(vc_shfl_down_i32(vc_float_as_int(v), offset)); }
VC_DEVICE float vc_shfl_xor_f32(float v, int mask) { return vc_int_as_float(vc_shfl_xor_i32(vc_float_as_int(v), mask)); }
VC_DEVICE float vc_shfl_f32(float v, int srcLane) { return vc_int_as_float(vc_shfl_i32(vc_float_as_int(v), srcLane)); }
VC_DEVICE unsigned vc_ballot(int pred) { return ::vc_emu::warp_exchange(::vc_emu::WarpBallot, 0, pred != 0 ? 1u : 0u); }

VC_DEVICE float vc_atomic_add_f32(float* p, float v) { float old = *p; *p = old + v; return old; }
VC_DEVICE int vc_atomic_add_i32(int* p, int v) { int old = *p; *p = (int)((unsigned)old + (unsigned)v); return old; }
VC_DEVICE int vc_atomic_cas_i32(int* p, int compare, int value) { int old = *p; if (old == compare) *p = value; return old; }

VC_DEVICE float vc_expf(float x) { return std::exp(x); }
VC_DEVICE float vc_exp2f(float x) { return std::exp2(x); }
VC_DEVICE float vc_logf(float x) { return std::log(x); }
VC_DEVICE float vc_log1pf(float x) { return std::log1p(x); }
VC_DEVICE float vc_tanhf(float x) { return std::tanh(x); }
VC_DEVICE float vc_powf(float x, float y) { return std::pow(x, y); }
VC_DEVICE float vc_sqrtf(float x) { return std::sqrt(x); }
VC_DEVICE float vc_rsqrtf(float x) { return 1.0f / std::sqrt(x); }
VC_DEVICE float vc_fabsf(float x) { return std::fabs(x); }
VC_DEVICE float vc_fmaxf(float a, float b) { return std::fmax(a, b); }
VC_DEVICE float vc_fminf(float a, float b) { return std::fmin(a, b); }
VC_DEVICE float vc_floorf(float x) { return std::floor(x); }
VC_DEVICE float vc_fmaf(float a, float b, float c) { return std::fma(a, b, c); }
VC_DEVICE float vc_atanf(float x) { return std::atan(x); } // glibc atanf, as the Cpu backend's MathF.Atan

// IEEE round-to-nearest arithmetic that is never contracted into fma. GCC contracts across statements when FMA
// instructions are enabled (-march with FMA), so each result goes through an empty asm that pins it in a register:
// the compiler must materialise the rounded value and cannot fuse it into the next operation.
VC_DEVICE float vc_emu_opaque(float r)
{
#if defined(__x86_64__)
    __asm__("" : "+x"(r));
#elif defined(__aarch64__)
    __asm__("" : "+w"(r));
#else
    volatile float v = r;
    r = v;
#endif
    return r;
}
VC_DEVICE float vc_fadd_rn(float a, float b) { return vc_emu_opaque(a + b); }
VC_DEVICE float vc_fsub_rn(float a, float b) { return vc_emu_opaque(a - b); }
VC_DEVICE float vc_fmul_rn(float a, float b) { return vc_emu_opaque(a * b); }
VC_DEVICE float vc_fdiv_rn(float a, float b) { return vc_emu_opaque(a / b); }
