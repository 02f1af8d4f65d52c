// selftest_math.cu -- out[i] = f(x[i]) (or f(x[i], y[i])) for the common.cuh math function selected by `op`, so the
// device math (math_soft.cuh under clang, libdevice under nvcc) can be measured against double precision on a real
// GPU by native/tools/gpu_selftest.cpp. One thread per element, any block size.
// op: 0 exp, 1 exp2, 2 log, 3 log1p, 4 tanh, 5 pow(x, y), 6 sqrt, 7 rsqrt, 8 floor, 9 fma(x, y, x), 10 fmax, 11 fabs
#include "common.cuh"

VC_KERNEL selftest_math(const float* x, const float* y, float* out, int op, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float a = x[i], b = y[i], r;
    switch (op)
    {
    case 0: r = vc_expf(a); break;
    case 1: r = vc_exp2f(a); break;
    case 2: r = vc_logf(a); break;
    case 3: r = vc_log1pf(a); break;
    case 4: r = vc_tanhf(a); break;
    case 5: r = vc_powf(a, b); break;
    case 6: r = vc_sqrtf(a); break;
    case 7: r = vc_rsqrtf(a); break;
    case 8: r = vc_floorf(a); break;
    case 9: r = vc_fmaf(a, b, a); break;
    case 10: r = vc_fmaxf(a, b); break;
    default: r = vc_fabsf(a); break;
    }
    out[i] = r;
}
VC_REGISTER(selftest_math);
