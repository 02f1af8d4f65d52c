// platform_nvcc.cuh -- common.cuh for nvcc (CUDA SDK present). Everything maps onto the CUDA runtime's own
// intrinsics and libdevice math (expf, logf, ... are accurate to a few ulp there), so nothing is emulated here.
#pragma once

#define VC_KERNEL extern "C" __global__ void
#define VC_DEVICE static __device__ __forceinline__
#define VC_DEVICE_MEMBER __device__ __forceinline__
#define VC_REGISTER(name) static_assert(true, "")
#define VC_SHARED(type, name, dims) __shared__ type name dims
#define VC_DYNAMIC_SHARED(type, name) extern __shared__ __align__(16) type name[]
#define VC_LAUNCH_BOUNDS(threads) __launch_bounds__(threads)

#define VC_INF __int_as_float(0x7f800000)
#define VC_NAN __int_as_float(0x7fffffff)

VC_DEVICE void vc_sync() { __syncthreads(); }
VC_DEVICE void vc_syncwarp() { __syncwarp(0xffffffffu); }

VC_DEVICE int vc_float_as_int(float f) { return __float_as_int(f); }
VC_DEVICE float vc_int_as_float(int i) { return __int_as_float(i); }

VC_DEVICE unsigned vc_lane_id() { unsigned lane; asm("mov.u32 %0, %%laneid;" : "=r"(lane)); return lane; }
VC_DEVICE float vc_shfl_down_f32(float v, int offset) { return __shfl_down_sync(0xffffffffu, v, offset); }
VC_DEVICE float vc_shfl_xor_f32(float v, int mask) { return __shfl_xor_sync(0xffffffffu, v, mask); }
VC_DEVICE float vc_shfl_f32(float v, int srcLane) { return __shfl_sync(0xffffffffu, v, srcLane); }
VC_DEVICE int vc_shfl_down_i32(int v, int offset) { return __shfl_down_sync(0xffffffffu, v, offset); }
VC_DEVICE int vc_shfl_xor_i32(int v, int mask) { return __shfl_xor_sync(0xffffffffu, v, mask); }
VC_DEVICE int vc_shfl_i32(int v, int srcLane) { return __shfl_sync(0xffffffffu, v, srcLane); }
VC_DEVICE unsigned vc_ballot(int pred) { return __ballot_sync(0xffffffffu, pred); }

VC_DEVICE float vc_atomic_add_f32(float* p, float v) { return atomicAdd(p, v); }
VC_DEVICE int vc_atomic_add_i32(int* p, int v) { return atomicAdd(p, v); }
VC_DEVICE int vc_atomic_cas_i32(int* p, int compare, int value) { return atomicCAS(p, compare, value); }

VC_DEVICE float vc_expf(float x) { return expf(x); }
VC_DEVICE float vc_exp2f(float x) { return exp2f(x); }
VC_DEVICE float vc_logf(float x) { return logf(x); }
VC_DEVICE float vc_log1pf(float x) { return log1pf(x); }
VC_DEVICE float vc_tanhf(float x) { return tanhf(x); }
VC_DEVICE float vc_powf(float x, float y) { return powf(x, y); }
VC_DEVICE float vc_sqrtf(float x) { return sqrtf(x); }
VC_DEVICE float vc_rsqrtf(float x) { return rsqrtf(x); }
VC_DEVICE float vc_fabsf(float x) { return fabsf(x); }
VC_DEVICE float vc_fmaxf(float a, float b) { return fmaxf(a, b); }
VC_DEVICE float vc_fminf(float a, float b) { return fminf(a, b); }
VC_DEVICE float vc_floorf(float x) { return floorf(x); }
VC_DEVICE float vc_fmaf(float a, float b, float c) { return fmaf(a, b, c); }
VC_DEVICE float vc_atanf(float x) { return atanf(x); }

// IEEE round-to-nearest arithmetic that is never contracted into fma (nvcc's intrinsics with explicit rounding).
VC_DEVICE float vc_fadd_rn(float a, float b) { return __fadd_rn(a, b); }
VC_DEVICE float vc_fsub_rn(float a, float b) { return __fsub_rn(a, b); }
VC_DEVICE float vc_fmul_rn(float a, float b) { return __fmul_rn(a, b); }
VC_DEVICE float vc_fdiv_rn(float a, float b) { return __fdiv_rn(a, b); }
