// optim.cu -- fused optimizer steps and EMA, one thread per parameter element (grid-stride).
//
// vc_sgd_f32 (PyTorch SGD, dampening 0): g = grad + wd*param; buf = first ? g : momentum*buf + g;
//            step = nesterov ? g + momentum*buf : buf; param -= lr*step.
// vc_adam_f32 (PyTorch Adam/AdamW): decoupled ? param *= 1 - lr*wd : g += wd*param;
//            m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
//            param -= stepSize * m / (sqrt(v)/bc2Sqrt + eps), where the host passes stepSize = lr/(1-b1^t) and
//            bc2Sqrt = sqrt(1-b2^t) (computed in double once per step, not per element).
// vc_ema_f32: ema = decay*ema + (1-decay)*param.
#include "common.cuh"

VC_KERNEL vc_sgd_f32(float* param, const float* grad, float* buf, long long n,
                     float lr, float momentum, float weightDecay, int nesterov, int firstStep)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        float p = param[i];
        float g = grad[i] + weightDecay * p;
        float b = firstStep ? g : momentum * buf[i] + g;
        buf[i] = b;
        float step = nesterov ? g + momentum * b : b;
        param[i] = p - lr * step;
    }
}
VC_REGISTER(vc_sgd_f32);

VC_KERNEL vc_adam_f32(float* param, const float* grad, float* m, float* v, long long n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, int decoupled,
                      float stepSize, float bc2Sqrt)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        float p = param[i];
        float g = grad[i];
        if (decoupled) p = p * (1.0f - lr * weightDecay);
        else g = g + weightDecay * p;
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float denom = vc_sqrtf(vi) / bc2Sqrt + eps;
        param[i] = p - stepSize * (mi / denom);
    }
}
VC_REGISTER(vc_adam_f32);

VC_KERNEL vc_ema_f32(float* ema, const float* param, long long n, float decay)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        ema[i] = decay * ema[i] + (1.0f - decay) * param[i];
}
VC_REGISTER(vc_ema_f32);
