using VisionCuda.Random;

namespace VisionCuda.Core.Tests.CpuOps;

public class LossRandomOptimTests
{
    [Theory]
    [InlineData(5, 7, 1, 0f, false)]
    [InlineData(3, 11, 13, 0.1f, true)]
    [InlineData(2, 4, 9, 0.2f, false)]
    [InlineData(37, 80, 1, 0f, true)]
    public void NllLoss_and_backward_match_documented_formula(int outer, int classes, int inner, float eps, bool weighted)
    {
        const int ignore = -100;
        var logp = H.Rand(outer * classes * inner, 70, -6f, 0f);
        var w = weighted ? H.Rand(classes, 71, 0.2f, 2f) : null;
        var rnd = new System.Random(72);
        var t = Enumerable.Range(0, outer * inner).Select(_ => rnd.Next(5) == 0 ? ignore : rnd.Next(classes)).ToArray();
        var dLoss = H.Rand(outer * inner, 73);

        var expLoss = new double[outer * inner];
        var expW = new double[outer * inner];
        var expGrad = new double[logp.Length];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int at = o * inner + i, tt = t[at];
            if (tt == ignore) continue;
            double W(int c) => w is null ? 1.0 : w[c];
            double smooth = 0;
            for (int c = 0; c < classes; c++) smooth += W(c) * -logp[(o * classes + c) * inner + i];
            expLoss[at] = (1 - eps) * W(tt) * -logp[(o * classes + tt) * inner + i] + eps / classes * smooth;
            expW[at] = W(tt);
            for (int c = 0; c < classes; c++)
                expGrad[(o * classes + c) * inner + i] = -dLoss[at] * ((1 - eps) * W(tt) * (c == tt ? 1 : 0) + eps / classes * W(c));
        }
        var sw = w is null ? null : H.Up(w);
        var loss = H.Empty(outer * inner);
        var ws = H.Empty(outer * inner);
        H.Cpu.NllLoss(H.Up(logp), H.Up(t), sw, loss, ws, outer, classes, inner, eps, ignore);
        H.Close(expLoss, H.Down(loss, outer * inner), H.RedRel, H.RedAbs, "loss");
        H.Close(expW, H.Down(ws, outer * inner), 0, 0, "weightSum");
        var grad = H.Empty(logp.Length);
        H.Cpu.NllLossBackward(H.Up(t), sw, H.Up(dLoss), grad, outer, classes, inner, eps, ignore);
        H.Close(expGrad, H.Down(grad, logp.Length), H.RedRel, H.RedAbs, "grad");
    }

    [Fact]
    public void NllLoss_rejects_out_of_range_targets()
    {
        var loss = H.Empty(2);
        var ws = H.Empty(2);
        Assert.Throws<ArgumentException>(() =>
            H.Cpu.NllLoss(H.Up(new float[6]), H.Up(new[] { 1, 3 }), null, loss, ws, 2, 3, 1, 0f, -100));
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(2.5f)]
    public void BceWithLogits_and_backward_match_double(float posWeight)
    {
        int n = 70_001;
        var x = H.Rand(n, 74, -30f, 30f);
        var t = H.Rand(n, 75, 0f, 1f);
        for (int i = 0; i < n; i += 3) t[i] = MathF.Round(t[i]);
        var dl = H.Rand(n, 76);
        var expL = new double[n];
        var expG = new double[n];
        for (int i = 0; i < n; i++)
        {
            double xv = x[i], tv = t[i];
            double sp = Math.Log(1 + Math.Exp(-Math.Abs(xv))) + Math.Max(-xv, 0); // softplus(-x) = -log sigmoid(x)
            expL[i] = (1 - tv) * xv + (1 + (posWeight - 1) * tv) * sp;
            double s = 1 / (1 + Math.Exp(-xv));
            expG[i] = dl[i] * (posWeight * tv * (s - 1) + (1 - tv) * s);
        }
        var loss = H.Empty(n);
        H.Cpu.BceWithLogits(H.Up(x), H.Up(t), loss, n, posWeight);
        H.Close(expL, H.Down(loss, n), H.RedRel, H.RedAbs, "bce");
        var dx = H.Empty(n);
        H.Cpu.BceWithLogitsBackward(H.Up(x), H.Up(t), H.Up(dl), dx, n, posWeight);
        H.Close(expG, H.Down(dx, n), H.RedRel, H.RedAbs, "bce backward");
    }

    [Fact]
    public void OneHot_rows_and_out_of_range()
    {
        var y = H.Empty(4 * 3);
        H.Cpu.OneHot(H.Up(new[] { 2, 0, -1, 3 }), y, 4, 3);
        Assert.Equal(new[] { 0f, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, H.Down(y, 12));
    }

    [Fact]
    public void DropoutMask_is_the_philox_formula()
    {
        int n = 50_003;
        const float p = 0.3f;
        const ulong seed = 1234, offset = 99;
        var mask = H.Empty(n);
        H.Cpu.DropoutMask(mask, n, p, seed, offset);
        var m = H.Down(mask, n);
        float keep = 1f / (1f - p);
        for (int i = 0; i < n; i++)
            Assert.Equal(Philox.Uniform(seed, offset + (ulong)i) < p ? 0f : keep, m[i]);
        double dropped = m.Count(v => v == 0f) / (double)n;
        Assert.InRange(dropped, 0.29, 0.31);
    }

    [Theory]
    [InlineData(0f, 0f, false)]
    [InlineData(0.9f, 1e-2f, false)]
    [InlineData(0.9f, 1e-2f, true)]
    public void SgdStep_matches_pytorch_loop(float momentum, float wd, bool nesterov)
    {
        int n = 1029;
        const float lr = 0.05f;
        var p = H.Rand(n, 80);
        var buf = new float[n];
        var sp = H.Up(p);
        var sbuf = H.Up(buf);
        for (int step = 0; step < 3; step++)
        {
            var g = H.Rand(n, 81 + step);
            for (int i = 0; i < n; i++)
            {
                float gv = g[i] + wd * p[i];
                float st = gv;
                if (momentum != 0)
                {
                    buf[i] = step == 0 ? gv : momentum * buf[i] + gv;
                    st = nesterov ? gv + momentum * buf[i] : buf[i];
                }
                p[i] -= lr * st;
            }
            H.Cpu.SgdStep(sp, H.Up(g), sbuf, n, lr, momentum, wd, nesterov, step == 0);
        }
        H.Close(p, H.Down(sp, n), H.ElemRel, H.ElemAbs, "param");
        if (momentum != 0) H.Close(buf, H.Down(sbuf, n), H.ElemRel, H.ElemAbs, "buffer");
    }

    [Theory]
    [InlineData(false, 0f)]
    [InlineData(false, 0.01f)]
    [InlineData(true, 0.05f)]
    public void AdamStep_matches_pytorch_loop(bool decoupled, float wd)
    {
        int n = 1031;
        const float lr = 1e-2f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        var p = H.Rand(n, 90).Select(v => (double)v).ToArray();
        var m = new double[n];
        var v = new double[n];
        var sp = H.Up(p.Select(x => (float)x).ToArray());
        var sm = H.Up(new float[n]);
        var sv = H.Up(new float[n]);
        for (int step = 1; step <= 4; step++)
        {
            var g = H.Rand(n, 91 + step);
            for (int i = 0; i < n; i++)
            {
                double gv = g[i];
                if (decoupled) p[i] *= 1 - lr * wd;
                else gv += wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * gv;
                v[i] = b2 * v[i] + (1 - b2) * gv * gv;
                double mhat = m[i] / (1 - Math.Pow(b1, step));
                double vhat = v[i] / (1 - Math.Pow(b2, step));
                p[i] -= lr * mhat / (Math.Sqrt(vhat) + eps);
            }
            H.Cpu.AdamStep(sp, H.Up(g), sm, sv, n, lr, b1, b2, eps, wd, decoupled, step);
        }
        H.Close(p, H.Down(sp, n), H.ElemRel, H.ElemAbs, "param");
        H.Close(m, H.Down(sm, n), H.RedRel, H.RedAbs, "m");
        H.Close(v, H.Down(sv, n), H.RedRel, H.RedAbs, "v");
    }

    [Fact]
    public void EmaUpdate_matches_loop()
    {
        int n = 1001;
        var e = H.Rand(n, 95);
        var p = H.Rand(n, 96);
        var se = H.Up(e);
        H.Cpu.EmaUpdate(se, H.Up(p), n, 0.999f);
        H.Close(e.Select((x, i) => 0.999 * x + (1 - 0.999) * p[i]).ToArray(), H.Down(se, n), H.ElemRel, H.ElemAbs);
    }
}
