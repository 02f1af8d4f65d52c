using VisionCuda.Backends;
using static VisionCuda.Ilgpu.Tests.OpHarness;

namespace VisionCuda.Ilgpu.Tests;

public abstract partial class OpSuite
{
    [SkippableFact]
    public void SoftmaxAndLogSoftmax()
    {
        var h = H;
        const int outer = 2, dim = 4, inner = 3;
        var x = Rand(outer * dim * inner, 100, -3f, 3f);
        var dy = Rand(x.Length, 101);
        foreach (bool log in new[] { false, true })
        {
            var ey = new float[x.Length];
            var edx = new float[x.Length];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    double m = double.NegativeInfinity, s = 0, sdy = 0, sdyy = 0;
                    for (int d = 0; d < dim; d++) m = Math.Max(m, x[(o * dim + d) * inner + i]);
                    for (int d = 0; d < dim; d++) s += Math.Exp(x[(o * dim + d) * inner + i] - m);
                    for (int d = 0; d < dim; d++)
                    {
                        int j = (o * dim + d) * inner + i;
                        double p = Math.Exp(x[j] - m) / s;
                        ey[j] = (float)(log ? x[j] - m - Math.Log(s) : p);
                        sdy += dy[j];
                        sdyy += dy[j] * p;
                    }
                    for (int d = 0; d < dim; d++)
                    {
                        int j = (o * dim + d) * inner + i;
                        double p = Math.Exp(x[j] - m) / s;
                        edx[j] = (float)(log ? dy[j] - p * sdy : p * (dy[j] - sdyy));
                    }
                }
            h.Check($"softmax log={log}", b =>
            {
                var sy = b.Allocate(x.Length);
                b.Softmax(Put(b, x), sy, outer, dim, inner, log);
                var sdx = b.Allocate(x.Length);
                b.SoftmaxBackward(sy, Put(b, dy), sdx, outer, dim, inner, log);
                return new[] { Get(b, sy), Get(b, sdx) };
            }, RedRtol, RedAtol, new[] { ey, edx });
        }
    }

    [SkippableFact]
    public void NllLossWithWeightsSmoothingAndIgnore()
    {
        var h = H;
        const int outer = 2, classes = 4, inner = 3;
        var logp = Rand(outer * classes * inner, 110, -4f, -0.1f);
        int[] targets = { 0, 3, -100, 2, 1, 3 };
        var weight = Rand(classes, 111, 0.5f, 2f);
        var dLoss = Rand(outer * inner, 112);
        foreach (float eps in new[] { 0f, 0.1f })
            foreach (bool useWeight in new[] { false, true })
            {
                var el = new float[outer * inner];
                var ew = new float[outer * inner];
                var ed = new float[logp.Length];
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        int j = o * inner + i, t = targets[j];
                        if (t == -100) continue;
                        double wt = useWeight ? weight[t] : 1;
                        double l = (1 - eps) * wt * -logp[(o * classes + t) * inner + i];
                        for (int c = 0; c < classes; c++)
                        {
                            double wc = useWeight ? weight[c] : 1;
                            l += eps / classes * wc * -logp[(o * classes + c) * inner + i];
                            ed[(o * classes + c) * inner + i] = (float)(-dLoss[j] * ((c == t ? (1 - eps) * wt : 0) + eps / classes * wc));
                        }
                        el[j] = (float)l;
                        ew[j] = (float)wt;
                    }
                h.Check($"nll eps={eps} weight={useWeight}", b =>
                {
                    var st = PutI(b, targets);
                    var sw = useWeight ? Put(b, weight) : null;
                    var sl = b.Allocate(outer * inner);
                    var sws = b.Allocate(outer * inner);
                    b.NllLoss(Put(b, logp), st, sw, sl, sws, outer, classes, inner, eps, -100);
                    var sd = b.Allocate(logp.Length);
                    b.NllLossBackward(st, sw, Put(b, dLoss), sd, outer, classes, inner, eps, -100);
                    return new[] { Get(b, sl), Get(b, sws), Get(b, sd) };
                }, RedRtol, RedAtol, new[] { el, ew, ed });
            }
    }

    [SkippableFact]
    public void BceWithLogitsAndOneHot()
    {
        var h = H;
        const int n = 23;
        var x = Rand(n, 120, -6f, 6f);
        var t = Rand(n, 121, 0f, 1f);
        var dl = Rand(n, 122);
        foreach (float pw in new[] { 1f, 2.5f })
        {
            var el = new float[n];
            var ed = new float[n];
            for (int i = 0; i < n; i++)
            {
                double v = x[i], s = 1 / (1 + Math.Exp(-v)), sp = Math.Log(1 + Math.Exp(-Math.Abs(v)));
                // -(pw*t*log(s) + (1-t)*log(1-s)), stably.
                el[i] = (float)(pw * t[i] * (sp + Math.Max(-v, 0)) + (1 - t[i]) * (sp + Math.Max(v, 0)));
                ed[i] = (float)(dl[i] * (pw * t[i] * (s - 1) + (1 - t[i]) * s));
            }
            h.Check($"bce pw={pw}", b =>
            {
                var sx = Put(b, x);
                var st = Put(b, t);
                var sl = b.Allocate(n);
                b.BceWithLogits(sx, st, sl, n, pw);
                var sd = b.Allocate(n);
                b.BceWithLogitsBackward(sx, st, Put(b, dl), sd, n, pw);
                return new[] { Get(b, sl), Get(b, sd) };
            }, RedRtol, RedAtol, new[] { el, ed });
        }
        int[] idx = { 2, 0, 5, -1, 4 };
        var eh = new float[idx.Length * 5];
        for (int i = 0; i < idx.Length; i++) if (idx[i] >= 0 && idx[i] < 5) eh[i * 5 + idx[i]] = 1f;
        h.Check("onehot", b =>
        {
            var y = b.Allocate(eh.Length);
            b.OneHot(PutI(b, idx), y, idx.Length, 5);
            return new[] { Get(b, y) };
        }, 0, 0, new[] { eh });
    }
}
