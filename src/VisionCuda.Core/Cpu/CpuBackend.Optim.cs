using VisionCuda.Cpu.Diagnostics;
using System.Runtime.Intrinsics;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// Fused optimizer updates, elementwise over fixed chunks: Vector256 body and a scalar tail that spells the same
/// formula in the same operation order. Scalars derived from the step (bias corrections) are computed in double,
/// as PyTorch computes them in Python floats.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void SgdStep(Storage param, Storage grad, Storage momentumBuffer, long count,
                        float lr, float momentum, float weightDecay, bool nesterov, bool firstStep)
    {
        using var profiled = Time("sgd");
        float* p = P(param), g = P(grad);
        float* buf = momentum != 0f ? P(momentumBuffer) : null;
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) =>
        {
            var vwd = Vector256.Create(weightDecay);
            var vmom = Vector256.Create(momentum);
            var vlr = Vector256.Create(lr);
            long i = s;
            for (; i + 8 <= e; i += 8)
            {
                var gv = Vector256.Load(g + i);
                var pv = Vector256.Load(p + i);
                if (weightDecay != 0f) gv += vwd * pv;
                var step = gv;
                if (buf != null)
                {
                    var b = firstStep ? gv : vmom * Vector256.Load(buf + i) + gv;
                    b.Store(buf + i);
                    step = nesterov ? gv + vmom * b : b;
                }
                (pv - vlr * step).Store(p + i);
            }
            for (; i < e; i++)
            {
                float gv = g[i], pv = p[i];
                if (weightDecay != 0f) gv += weightDecay * pv;
                float step = gv;
                if (buf != null)
                {
                    float b = firstStep ? gv : momentum * buf[i] + gv;
                    buf[i] = b;
                    step = nesterov ? gv + momentum * b : b;
                }
                p[i] = pv - lr * step;
            }
        });
    }

    public void AdamStep(Storage param, Storage grad, Storage m, Storage v, long count,
                         float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int step)
    {
        using var profiled = Time("adam");
        float* p = P(param), g = P(grad), pm = P(m), pv = P(v);
        float stepSize = (float)(lr / (1.0 - Math.Pow(beta1, step)));
        float bc2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(beta2, step));
        float decay = decoupled ? 1f - lr * weightDecay : 1f;     // AdamW: p *= 1 - lr*wd
        float l2 = decoupled ? 0f : weightDecay;                  // Adam: g += wd*p
        float c1 = 1f - beta1, c2 = 1f - beta2;
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) =>
        {
            var vb1 = Vector256.Create(beta1);
            var vb2 = Vector256.Create(beta2);
            var vc1 = Vector256.Create(c1);
            var vc2 = Vector256.Create(c2);
            var vl2 = Vector256.Create(l2);
            var vdecay = Vector256.Create(decay);
            var vbc2 = Vector256.Create(bc2Sqrt);
            var veps = Vector256.Create(eps);
            var vstep = Vector256.Create(stepSize);
            long i = s;
            for (; i + 8 <= e; i += 8)
            {
                var pp = Vector256.Load(p + i);
                var gg = Vector256.Load(g + i);
                if (l2 != 0f) gg += vl2 * pp;
                if (decay != 1f) pp *= vdecay;
                var mm = vb1 * Vector256.Load(pm + i) + vc1 * gg;
                var vv = vb2 * Vector256.Load(pv + i) + vc2 * (gg * gg);
                mm.Store(pm + i);
                vv.Store(pv + i);
                var denom = Vector256.Sqrt(vv) / vbc2 + veps;
                (pp - vstep * (mm / denom)).Store(p + i);
            }
            for (; i < e; i++)
            {
                float pp = p[i], gg = g[i];
                if (l2 != 0f) gg += l2 * pp;
                if (decay != 1f) pp *= decay;
                float mm = beta1 * pm[i] + c1 * gg;
                float vv = beta2 * pv[i] + c2 * (gg * gg);
                pm[i] = mm;
                pv[i] = vv;
                float denom = MathF.Sqrt(vv) / bc2Sqrt + eps;
                p[i] = pp - stepSize * (mm / denom);
            }
        });
    }

    public void EmaUpdate(Storage ema, Storage param, long count, float decay)
    {
        using var profiled = Time("ema");
        float* pe = P(ema), pp = P(param);
        float rest = 1f - decay;
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) =>
        {
            var vd = Vector256.Create(decay);
            var vr = Vector256.Create(rest);
            long i = s;
            for (; i + 8 <= e; i += 8) (vd * Vector256.Load(pe + i) + vr * Vector256.Load(pp + i)).Store(pe + i);
            for (; i < e; i++) pe[i] = decay * pe[i] + rest * pp[i];
        });
    }
}
