using VisionCuda.Cpu.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// Loss kernels. NLL works per position of [outer, classes, inner] (one work item per outer slice); BCE with logits
/// is elementwise over fixed chunks, in stack blocks of <see cref="LossBlock"/> elements so that TensorPrimitives'
/// vectorised exp/log can be chained without heap scratch.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private const int LossBlock = 256;

    public void NllLoss(Storage logProbs, Storage targets, Storage? weight, Storage loss, Storage weightSum,
                        long outer, int classes, long inner, float smoothing, int ignoreIndex)
    {
        using var profiled = Time("nll");
        float* lp = P(logProbs), pl = P(loss), pws = P(weightSum);
        float* pw = weight is null ? null : P(weight);
        int* tg = PI(targets);
        int bad = 0;
        float keep = 1f - smoothing, share = smoothing / classes;
        CpuParallel.For(Threads, outer, CpuParallel.GrainFor(inner * (smoothing > 0 ? classes : 1)), (s, e) =>
        {
            for (long o = s; o < e; o++)
            {
                float* slice = lp + o * classes * inner;
                for (long i = 0; i < inner; i++)
                {
                    long at = o * inner + i;
                    int t = tg[at];
                    if (t == ignoreIndex || t < 0 || t >= classes)
                    {
                        if (t != ignoreIndex) Interlocked.Exchange(ref bad, 1);
                        pl[at] = 0f;
                        pws[at] = 0f;
                        continue;
                    }
                    float wt = pw == null ? 1f : pw[t];
                    float l = keep * wt * -slice[t * inner + i];
                    if (smoothing > 0f)
                    {
                        double sum = 0;
                        for (int c = 0; c < classes; c++) sum += (pw == null ? 1f : pw[c]) * -slice[c * inner + i];
                        l += share * (float)sum;
                    }
                    pl[at] = l;
                    pws[at] = wt;
                }
            }
        });
        if (bad != 0) throw new ArgumentException($"nll loss: a target is outside [0, {classes}) and is not the ignore index {ignoreIndex}");
    }

    public void NllLossBackward(Storage targets, Storage? weight, Storage dLoss, Storage dLogProbs,
                                long outer, int classes, long inner, float smoothing, int ignoreIndex)
    {
        using var profiled = Time("nll.bwd");
        float* pdl = P(dLoss), pd = P(dLogProbs);
        float* pw = weight is null ? null : P(weight);
        int* tg = PI(targets);
        float keep = 1f - smoothing, share = smoothing / classes;
        CpuParallel.For(Threads, outer, CpuParallel.GrainFor(inner * classes), (s, e) =>
        {
            for (long o = s; o < e; o++)
            {
                float* slice = pd + o * classes * inner;
                for (int c = 0; c < classes; c++)
                {
                    float wc = pw == null ? 1f : pw[c];
                    float* row = slice + c * inner;
                    for (long i = 0; i < inner; i++)
                    {
                        long at = o * inner + i;
                        int t = tg[at];
                        if (t == ignoreIndex || t < 0 || t >= classes)
                        {
                            row[i] = 0f;
                            continue;
                        }
                        float v = share * wc;
                        if (c == t) v += keep * (pw == null ? 1f : pw[t]);
                        row[i] = -pdl[at] * v;
                    }
                }
            }
        });
    }

    /// <summary>PyTorch's form: (1-t)*x + (1 + (pw-1)*t) * (log1p(exp(-|x|)) + max(-x, 0)).</summary>
    public void BceWithLogits(Storage x, Storage target, Storage loss, long count, float posWeight = 1f)
    {
        using var profiled = Time("bce");
        float* px = P(x), pt = P(target), pl = P(loss);
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) =>
        {
            float* a = stackalloc float[LossBlock];
            float* b = stackalloc float[LossBlock];
            for (long o = s; o < e; o += LossBlock)
            {
                int len = (int)Math.Min(LossBlock, e - o);
                var sx = new ReadOnlySpan<float>(px + o, len);
                var st = new ReadOnlySpan<float>(pt + o, len);
                var sa = new Span<float>(a, len);
                var sb = new Span<float>(b, len);
                TensorPrimitives.Abs(sx, sa);
                TensorPrimitives.Negate(sa, sa);
                VecExp.Exp(sa, sa);
                TensorPrimitives.LogP1(sa, sa);              // log1p(exp(-|x|))
                TensorPrimitives.Negate(sx, sb);
                TensorPrimitives.Max(sb, 0f, sb);            // max(-x, 0)
                TensorPrimitives.Add(sa, sb, sa);
                if (posWeight != 1f)
                {
                    TensorPrimitives.Multiply(st, posWeight - 1f, sb);
                    TensorPrimitives.Add(sb, 1f, sb);
                    TensorPrimitives.Multiply(sa, sb, sa);
                }
                TensorPrimitives.Subtract(1f, st, sb);
                TensorPrimitives.Multiply(sb, sx, sb);       // (1 - t) * x
                TensorPrimitives.Add(sb, sa, new Span<float>(pl + o, len));
            }
        });
    }

    public void BceWithLogitsBackward(Storage x, Storage target, Storage dLoss, Storage dx, long count, float posWeight = 1f)
    {
        using var profiled = Time("bce.bwd");
        float* px = P(x), pt = P(target), pdl = P(dLoss), pdx = P(dx);
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) =>
        {
            float* sg = stackalloc float[LossBlock];
            var one = Vector256<float>.One;
            var vpw = Vector256.Create(posWeight);
            for (long o = s; o < e; o += LossBlock)
            {
                int len = (int)Math.Min(LossBlock, e - o);
                VectorMap.Run(new SigmoidMap(), px + o, sg, len);
                float* t = pt + o, g = pdl + o, d = pdx + o;
                int i = 0;
                for (; i + 8 <= len; i += 8)
                {
                    var sv = Vector256.Load(sg + i);
                    var tv = Vector256.Load(t + i);
                    var v = vpw * tv * (sv - one) + (one - tv) * sv;
                    (Vector256.Load(g + i) * v).Store(d + i);
                }
                for (; i < len; i++)
                {
                    float sv = sg[i], tv = t[i];
                    d[i] = g[i] * (posWeight * tv * (sv - 1f) + (1f - tv) * sv);
                }
            }
        });
    }

    public void OneHot(Storage indices, Storage y, long count, int classes)
    {
        using var profiled = Time("onehot");
        int* pi = PI(indices);
        float* py = P(y);
        CpuParallel.For(Threads, count, CpuParallel.GrainFor(classes), (s, e) =>
        {
            for (long r = s; r < e; r++)
            {
                float* row = py + r * classes;
                new Span<float>(row, classes).Clear();
                int k = pi[r];
                if ((uint)k < (uint)classes) row[k] = 1f;
            }
        });
    }
}
