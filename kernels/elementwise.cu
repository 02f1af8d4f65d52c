// elementwise.cu -- binary ops with broadcasting (BinaryOp in OpKinds.cs) and axpy.
//
// Computes: y = a OP b with OP = Add 0, Sub 1, Mul 2, Div 3, Maximum 4, Minimum 5.
//   vc_binary_f32:        a, b and y all have n elements (BroadcastPlan.SameShape).
//   vc_binary_scalar_f32: b is one element broadcast over a (BroadcastPlan.BIsScalar, a laid out like y).
//   vc_binary_bcast_f32:  general case, the coalesced plan of rank <= 6: y's shape d0..d5 (trailing unused = 1),
//                         as*/bs* are the element strides of a and b per dim (0 = broadcast).
//   vc_axpy_f32:          y = a + alpha*b (y may be a: gradient accumulation).
// Layout: flat float32. Threads: one per output element, 1-D grid-stride loop.
#include "common.cuh"

VC_DEVICE float ew_apply(int op, float x, float y)
{
    switch (op)
    {
        case 0: return x + y;
        case 1: return x - y;
        case 2: return x * y;
        case 3: return x / y;
        case 4: return (x != x || x > y) ? x : y;
        case 5: return (x != x || x < y) ? x : y;
        default: return VC_NAN;
    }
}

VC_KERNEL vc_binary_f32(const float* a, const float* b, float* y, long long n, int op)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        y[i] = ew_apply(op, a[i], b[i]);
}
VC_REGISTER(vc_binary_f32);

VC_KERNEL vc_binary_scalar_f32(const float* a, const float* b, float* y, long long n, int op)
{
    float s = b[0];
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        y[i] = ew_apply(op, a[i], s);
}
VC_REGISTER(vc_binary_scalar_f32);

VC_KERNEL vc_binary_bcast_f32(const float* a, const float* b, float* y, long long n, int op,
                              int d0, int d1, int d2, int d3, int d4, int d5,
                              long long as0, long long as1, long long as2, long long as3, long long as4, long long as5,
                              long long bs0, long long bs1, long long bs2, long long bs3, long long bs4, long long bs5)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        long long rest = i, oa = 0, ob = 0, q, c;
        q = rest / d5; c = rest - q * d5; oa += c * as5; ob += c * bs5; rest = q;
        q = rest / d4; c = rest - q * d4; oa += c * as4; ob += c * bs4; rest = q;
        q = rest / d3; c = rest - q * d3; oa += c * as3; ob += c * bs3; rest = q;
        q = rest / d2; c = rest - q * d2; oa += c * as2; ob += c * bs2; rest = q;
        q = rest / d1; c = rest - q * d1; oa += c * as1; ob += c * bs1; rest = q;
        oa += rest * as0; ob += rest * bs0;
        (void)d0;
        y[i] = ew_apply(op, a[oa], b[ob]);
    }
}
VC_REGISTER(vc_binary_bcast_f32);

VC_KERNEL vc_axpy_f32(const float* a, const float* b, float* y, long long n, float alpha)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        y[i] = a[i] + alpha * b[i];
}
VC_REGISTER(vc_axpy_f32);
