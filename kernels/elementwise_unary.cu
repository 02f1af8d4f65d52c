// elementwise_unary.cu -- unary elementwise functions and their backwards (UnaryOp in OpKinds.cs).
//
// Computes: vc_unary_f32:          y[i] = f(x[i]; a, b)
//           vc_unary_backward_f32: dx[i] = dy[i] * f'(x[i]) (some ops use the forward output y instead of x).
// The op code is the UnaryOp enum value (Neg=0 ... Reciprocal=14); a/b are the op's scalars
// (LeakyRelu slope a; Clamp bounds [a,b]; Pow exponent a; Affine y = x*a + b).
// Semantics follow PyTorch: Relu'(0)=0, Abs'(0)=0, Clamp passes the gradient for a <= x <= b,
// Hardswish' = 0 below -3, x/3+0.5 in [-3,3], 1 above.
// Layout: flat float32. Threads: one per element, 1-D grid-stride loop. The op is uniform over the grid, so the
// switch does not diverge. x may alias y (in-place).
#include "common.cuh"

VC_DEVICE float act_sigmoid(float x) { return 1.0f / (1.0f + vc_expf(-x)); }

VC_DEVICE float act_forward(int op, float x, float a, float b)
{
    switch (op)
    {
        case 0: return -x;
        case 1: return vc_expf(x);
        case 2: return vc_logf(x);
        case 3: return vc_sqrtf(x);
        case 4: return vc_fabsf(x);
        case 5: return x > 0.0f ? x : 0.0f;
        case 6: return x > 0.0f ? x : x * a;
        case 7: return x * act_sigmoid(x);
        case 8: return act_sigmoid(x);
        case 9: return vc_tanhf(x);
        case 10: { float r = vc_fminf(vc_fmaxf(x + 3.0f, 0.0f), 6.0f); return x * r / 6.0f; }
        case 11: return vc_powf(x, a);
        case 12: return vc_fminf(vc_fmaxf(x, a), b);
        case 13: return x * a + b;
        case 14: return 1.0f / x;
        default: return VC_NAN;
    }
}

VC_DEVICE float act_backward(int op, float x, float y, float g, float a, float b)
{
    switch (op)
    {
        case 0: return -g;
        case 1: return g * y;
        case 2: return g / x;
        case 3: return g * 0.5f / y;
        case 4: return x > 0.0f ? g : (x < 0.0f ? -g : 0.0f);
        case 5: return x > 0.0f ? g : 0.0f;
        case 6: return x > 0.0f ? g : g * a;
        case 7: { float s = act_sigmoid(x); return g * s * (1.0f + x * (1.0f - s)); }
        case 8: return g * y * (1.0f - y);
        case 9: return g * (1.0f - y * y);
        case 10: return x < -3.0f ? 0.0f : (x <= 3.0f ? g * (x / 3.0f + 0.5f) : g);
        case 11: return g * a * vc_powf(x, a - 1.0f);
        case 12: return (x >= a && x <= b) ? g : 0.0f;
        case 13: return g * a;
        case 14: return -g * y * y;
        default: return VC_NAN;
    }
}

VC_KERNEL vc_unary_f32(const float* x, float* y, long long n, int op, float a, float b)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        y[i] = act_forward(op, x[i], a, b);
}
VC_REGISTER(vc_unary_f32);

VC_KERNEL vc_unary_backward_f32(const float* x, const float* y, const float* dy, float* dx, long long n, int op, float a, float b)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        dx[i] = act_backward(op, x[i], y[i], dy[i], a, b);
}
VC_REGISTER(vc_unary_backward_f32);
