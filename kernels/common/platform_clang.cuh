// platform_clang.cuh -- common.cuh for clang's CUDA device-only build without the CUDA SDK
// (`clang -x cuda --cuda-device-only -nocudainc -nocudalib`, see shared/docs/cuda-binding.md).
//
// Without the SDK there are no __global__/__device__ macros and no libdevice (expf & co. do not link), so this
// header spells the attributes itself and builds the math from NVVM builtins (common/math_soft.cuh).
// The *_sync warp builtins need PTX ISA >= 6.0: the build passes `-Xclang -target-feature -Xclang +ptx75`.
#pragma once

#include <__clang_cuda_builtin_vars.h> // threadIdx, blockIdx, blockDim, gridDim (reads of the PTX special registers)

#ifndef __global__
#define __global__ __attribute__((global))
#endif
#ifndef __device__
#define __device__ __attribute__((device))
#endif
#ifndef __shared__
#define __shared__ __attribute__((shared))
#endif
#ifndef __forceinline__
#define __forceinline__ __inline__ __attribute__((always_inline))
#endif

#define VC_KERNEL extern "C" __global__ void
#define VC_DEVICE static __device__ __forceinline__
#define VC_DEVICE_MEMBER __device__ __forceinline__
#define VC_REGISTER(name) static_assert(true, "")
#define VC_SHARED(type, name, dims) __shared__ type name dims
#define VC_DYNAMIC_SHARED(type, name) extern __shared__ __attribute__((aligned(16))) type name[]
#define VC_LAUNCH_BOUNDS(threads) __attribute__((launch_bounds(threads)))

#define VC_INF __builtin_huge_valf()
#define VC_NAN __builtin_nanf("")

// __syncthreads is a clang builtin for NVPTX (bar.sync 0); do not redefine it.
VC_DEVICE void vc_sync() { __syncthreads(); }
VC_DEVICE void vc_syncwarp() { __nvvm_bar_warp_sync(0xffffffffu); }

VC_DEVICE int vc_float_as_int(float f) { return __builtin_bit_cast(int, f); }
VC_DEVICE float vc_int_as_float(int i) { return __builtin_bit_cast(float, i); }

// ---- warp (mask: the full warp; c operand 0x1f = clamp at lane 31, width 32) ----
VC_DEVICE unsigned vc_lane_id() { return (unsigned)__nvvm_read_ptx_sreg_laneid(); }
VC_DEVICE float vc_shfl_down_f32(float v, int offset) { return __nvvm_shfl_sync_down_f32(0xffffffffu, v, offset, 0x1f); }
VC_DEVICE float vc_shfl_xor_f32(float v, int mask) { return __nvvm_shfl_sync_bfly_f32(0xffffffffu, v, mask, 0x1f); }
VC_DEVICE float vc_shfl_f32(float v, int srcLane) { return __nvvm_shfl_sync_idx_f32(0xffffffffu, v, srcLane, 0x1f); }
VC_DEVICE int vc_shfl_down_i32(int v, int offset) { return __nvvm_shfl_sync_down_i32(0xffffffffu, v, offset, 0x1f); }
VC_DEVICE int vc_shfl_xor_i32(int v, int mask) { return __nvvm_shfl_sync_bfly_i32(0xffffffffu, v, mask, 0x1f); }
VC_DEVICE int vc_shfl_i32(int v, int srcLane) { return __nvvm_shfl_sync_idx_i32(0xffffffffu, v, srcLane, 0x1f); }
VC_DEVICE unsigned vc_ballot(int pred) { return __nvvm_vote_ballot_sync(0xffffffffu, pred != 0); }

// ---- atomics (generic address space: works for global and shared pointers) ----
VC_DEVICE float vc_atomic_add_f32(float* p, float v) { return __nvvm_atom_add_gen_f(p, v); }
VC_DEVICE int vc_atomic_add_i32(int* p, int v) { return __nvvm_atom_add_gen_i(p, v); }
VC_DEVICE int vc_atomic_cas_i32(int* p, int compare, int value) { return __nvvm_atom_cas_gen_i(p, compare, value); }

// ---- math primitives that math_soft.cuh builds on ----
VC_DEVICE float vc_prim_fma(float a, float b, float c) { return __nvvm_fma_rn_f(a, b, c); }
VC_DEVICE float vc_prim_exp2_approx(float x) { return __nvvm_ex2_approx_f(x); } // ex2.approx.f32: ~2 ulp
VC_DEVICE float vc_prim_rint(float x) { return __builtin_rintf(x); }             // cvt.rni.f32.f32
VC_DEVICE float vc_prim_sqrt(float x) { return __nvvm_sqrt_rn_f(x); }             // sqrt.rn.f32: correctly rounded
VC_DEVICE float vc_prim_floor(float x) { return __builtin_floorf(x); }           // cvt.rmi.f32.f32
VC_DEVICE float vc_prim_fabs(float x) { return __builtin_fabsf(x); }             // abs.f32
VC_DEVICE float vc_prim_fmax(float a, float b) { return __nvvm_fmax_f(a, b); }   // max.f32: NaN-ignoring like fmaxf
VC_DEVICE float vc_prim_fmin(float a, float b) { return __nvvm_fmin_f(a, b); }

#include "math_soft.cuh"

VC_DEVICE float vc_expf(float x) { return vc_soft_expf(x); }
VC_DEVICE float vc_exp2f(float x) { return vc_soft_exp2f(x); }
VC_DEVICE float vc_logf(float x) { return vc_soft_logf(x); }
VC_DEVICE float vc_log1pf(float x) { return vc_soft_log1pf(x); }
VC_DEVICE float vc_tanhf(float x) { return vc_soft_tanhf(x); }
VC_DEVICE float vc_powf(float x, float y) { return vc_soft_powf(x, y); }
VC_DEVICE float vc_sqrtf(float x) { return vc_prim_sqrt(x); }
VC_DEVICE float vc_rsqrtf(float x) { return 1.0f / vc_prim_sqrt(x); } // div.rn: ~1 ulp, better than rsqrt.approx
VC_DEVICE float vc_fabsf(float x) { return vc_prim_fabs(x); }
VC_DEVICE float vc_fmaxf(float a, float b) { return vc_prim_fmax(a, b); }
VC_DEVICE float vc_fminf(float a, float b) { return vc_prim_fmin(a, b); }
VC_DEVICE float vc_floorf(float x) { return vc_prim_floor(x); }
VC_DEVICE float vc_fmaf(float a, float b, float c) { return vc_prim_fma(a, b, c); }
VC_DEVICE float vc_atanf(float x) { return vc_soft_atanf(x); }

// IEEE round-to-nearest arithmetic that is never contracted into fma (clang contracts a*b+c by default for CUDA).
// Inline PTX, not the __nvvm_add_rn_f/__nvvm_mul_rn_f builtins: LLVM's InstCombine rewrites those into plain
// fadd/fmul, which the backend then fuses (seen in clang-14 output: fma.rn.f32 in the NMS IoU). The asm is opaque
// to LLVM, and ptxas never fuses instructions that carry an explicit .rn rounding mode.
VC_DEVICE float vc_fadd_rn(float a, float b) { float r; asm("add.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r; }
VC_DEVICE float vc_fsub_rn(float a, float b) { float r; asm("sub.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r; }
VC_DEVICE float vc_fmul_rn(float a, float b) { float r; asm("mul.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r; }
VC_DEVICE float vc_fdiv_rn(float a, float b) { float r; asm("div.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r; }
