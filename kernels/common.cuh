// common.cuh -- the one header every kernels/*.cu includes first. It lets the same kernel source build three ways:
//
//   1. nvcc -ptx                      (CUDA SDK present: real CUDA headers, libdevice math)
//   2. clang -x cuda --cuda-device-only -nocudainc -nocudalib
//                                     (no SDK: NVVM builtins only, our own math in common/math_soft.cuh)
//   3. host C++ with -DVC_HOST_EMULATION
//                                     (compiled into native/'s libvisioncuda_emu.so; every CUDA thread is a fiber,
//                                      vc_sync() is a real barrier, shared memory is NaN-filled per block)
//
// Kernel authors use only the names below, never raw CUDA spellings, so that all three builds agree:
//
//   VC_KERNEL name(args) { ... }      extern "C" __global__ void (extern "C" void under emulation)
//   VC_REGISTER(name);                after each kernel, at file scope: registers it with the emulator by name
//                                     (no-op on device). Params: float, int, unsigned, long long,
//                                     unsigned long long, pointers (any trivially copyable type is accepted).
//   VC_DEVICE                         helper-function qualifier (static inline device function). VC_DEVICE_MEMBER
//                                     for member functions / where `static` is not allowed.
//   VC_SHARED(type, name, dims);      static shared memory inside a kernel/device function,
//                                     e.g. VC_SHARED(float, tile, [32][33]);
//   VC_DYNAMIC_SHARED(type, name);    extern __shared__ type name[] (size from the launch); use as name[i]
//   vc_sync()                         __syncthreads();   vc_syncwarp(): __syncwarp()
//   threadIdx / blockIdx / blockDim / gridDim   .x .y .z as in CUDA
//   VC_WARP_SIZE, vc_lane_id(), vc_shfl_down_f32(v, off), vc_shfl_xor_f32(v, mask), vc_shfl_f32(v, srcLane),
//   vc_shfl_down_i32 / vc_shfl_xor_i32 / vc_shfl_i32, vc_ballot(pred)      (full-warp, mask 0xffffffff)
//   vc_atomic_add_f32(float*, float), vc_atomic_add_i32(int*, int), vc_atomic_max_f32(float*, float),
//   vc_atomic_cas_i32(int*, int compare, int value)      (all return the old value)
//   math: vc_expf vc_logf vc_sqrtf vc_rsqrtf vc_tanhf vc_powf vc_fabsf vc_fmaxf vc_fminf vc_floorf vc_fmaf
//         vc_exp2f vc_log1pf vc_atanf, plus vc_float_as_int / vc_int_as_float bit casts
//   vc_fadd_rn vc_fsub_rn vc_fmul_rn vc_fdiv_rn: IEEE round-to-nearest float ops that are never contracted into
//         fma (results bitwise equal to the host's plain float32 ops; use them where a kernel must match the Cpu
//         backend exactly, e.g. NMS's IoU)
//   VC_INF, VC_NAN, VC_RESTRICT (__restrict__)
//
// Assumptions: warp ops are called by all 32 lanes of a warp (blocks sized in multiples of 32 where they are used);
// under emulation a lane that does not exist or has exited contributes NaN bits (shfl) or 0 (ballot), so kernels
// that silently rely on partial warps show up as wrong results rather than passing by luck.
#pragma once

#if defined(VC_HOST_EMULATION)
#include "common/platform_emu.cuh"
#elif defined(__CUDACC__) && !defined(__clang__)
#include "common/platform_nvcc.cuh"
#elif defined(__clang__) && defined(__CUDA__)
#include "common/platform_clang.cuh"
#else
#error "common.cuh: build with nvcc, clang -x cuda, or define VC_HOST_EMULATION for the host emulator"
#endif

#define VC_WARP_SIZE 32
#define VC_RESTRICT __restrict__

// Float atomic max by compare-and-swap on the bit pattern. Only replaces when value is strictly greater, so a NaN
// value is never stored and a stored NaN is never replaced (documented; kernels that need NaN propagation must
// handle it themselves).
VC_DEVICE float vc_atomic_max_f32(float* address, float value)
{
    int* bits = (int*)address;
    int old = *bits;
    for (;;)
    {
        float current = vc_int_as_float(old);
        if (!(value > current)) return current;
        int assumed = old;
        old = vc_atomic_cas_i32(bits, assumed, vc_float_as_int(value));
        if (old == assumed) return current;
    }
}
