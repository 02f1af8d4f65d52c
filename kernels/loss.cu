// loss.cu -- negative log-likelihood (with class weights, label smoothing, ignore index), BCE with logits, one-hot.
//
// vc_nll_loss_f32: one thread per position i of [outer, inner] (targets Int32, log-probs [outer, classes, inner]).
//   t = targets[i]; w = weight ? weight : 1; eps = smoothing, C = classes.
//   loss[i] = (1-eps)*w[t]*(-logp[t]) + eps/C * sum_c w[c]*(-logp[c]); weightSum[i] = w[t].
//   A target equal to ignoreIndex (or outside [0, C)) gives 0 and 0. The caller reduces (sum / sum of weights).
// vc_nll_loss_bwd_f32: one thread per element of dLogProbs, which it overwrites:
//   dlogp[i,c] = -dLoss[i] * ((1-eps)*w[t]*[c==t] + eps/C*w[c]).
// vc_bce_logits_f32 / _bwd_f32: elementwise, the stable form (PyTorch's):
//   loss = (1-t)*x + (1 + (pw-1)*t) * (log1p(exp(-|x|)) + max(-x, 0));  dx = dL * (pw*t*(s-1) + (1-t)*s).
// vc_one_hot_f32: one thread per output element; out-of-range indices give an all-zero row.
#include "common.cuh"

VC_KERNEL vc_nll_loss_f32(const float* logp, const int* targets, const float* weight, float* loss, float* weightSum,
                          long long outer, int classes, long long inner, float smoothing, int ignoreIndex)
{
    long long n = outer * inner;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        long long o = i / inner, in = i - o * inner;
        int t = targets[i];
        if (t == ignoreIndex || t < 0 || t >= classes) { loss[i] = 0.0f; weightSum[i] = 0.0f; continue; }
        const float* lp = logp + o * classes * inner + in;
        float wt = weight ? weight[t] : 1.0f;
        float l = (1.0f - smoothing) * wt * (-lp[(long long)t * inner]);
        if (smoothing != 0.0f)
        {
            float s = 0.0f;
            for (int c = 0; c < classes; c++) s += (weight ? weight[c] : 1.0f) * (-lp[(long long)c * inner]);
            l += smoothing / (float)classes * s;
        }
        loss[i] = l;
        weightSum[i] = wt;
    }
}
VC_REGISTER(vc_nll_loss_f32);

VC_KERNEL vc_nll_loss_bwd_f32(const int* targets, const float* weight, const float* dLoss, float* dLogp,
                              long long outer, int classes, long long inner, float smoothing, int ignoreIndex)
{
    long long n = outer * classes * inner;
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < n; k += (long long)gridDim.x * blockDim.x)
    {
        long long in = k % inner;
        long long oc = k / inner;
        int c = (int)(oc % classes);
        long long o = oc / classes;
        long long i = o * inner + in;
        int t = targets[i];
        if (t == ignoreIndex || t < 0 || t >= classes) { dLogp[k] = 0.0f; continue; }
        float g = 0.0f;
        if (c == t) g += (1.0f - smoothing) * (weight ? weight[t] : 1.0f);
        if (smoothing != 0.0f) g += smoothing / (float)classes * (weight ? weight[c] : 1.0f);
        dLogp[k] = -dLoss[i] * g;
    }
}
VC_REGISTER(vc_nll_loss_bwd_f32);

VC_KERNEL vc_bce_logits_f32(const float* x, const float* target, float* loss, long long n, float posWeight)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        float v = x[i], t = target[i];
        float sp = vc_log1pf(vc_expf(-vc_fabsf(v))) + vc_fmaxf(-v, 0.0f);
        loss[i] = (1.0f - t) * v + (1.0f + (posWeight - 1.0f) * t) * sp;
    }
}
VC_REGISTER(vc_bce_logits_f32);

VC_KERNEL vc_bce_logits_bwd_f32(const float* x, const float* target, const float* dLoss, float* dx, long long n, float posWeight)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    {
        float v = x[i], t = target[i];
        float s = 1.0f / (1.0f + vc_expf(-v));
        dx[i] = dLoss[i] * (posWeight * t * (s - 1.0f) + (1.0f - t) * s);
    }
}
VC_REGISTER(vc_bce_logits_bwd_f32);

VC_KERNEL vc_one_hot_f32(const int* indices, float* y, long long count, int classes)
{
    long long n = count * classes;
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < n; k += (long long)gridDim.x * blockDim.x)
    {
        long long i = k / classes;
        int c = (int)(k - i * classes);
        y[k] = indices[i] == c ? 1.0f : 0.0f;
    }
}
VC_REGISTER(vc_one_hot_f32);
