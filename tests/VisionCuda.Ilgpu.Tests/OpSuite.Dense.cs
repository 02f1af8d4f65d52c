using VisionCuda.Backends;
using VisionCuda.Reference;
using static VisionCuda.Ilgpu.Tests.OpHarness;

namespace VisionCuda.Ilgpu.Tests;

public abstract partial class OpSuite
{
    [SkippableFact]
    public void ReduceSumMeanMaxAndBackward()
    {
        var h = H;
        const int outer = 2, dim = 5, inner = 3;
        var x = Rand(outer * dim * inner, 40);
        x[7] = x[7 + inner]; // a tie: the first index wins
        var dy = Rand(outer * inner, 41);
        foreach (var op in Enum.GetValues<ReduceOp>())
        {
            var ey = new float[outer * inner];
            var ei = new float[outer * inner];
            var edx = new float[x.Length];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    double s = 0;
                    float m = float.NegativeInfinity;
                    int mi = 0;
                    for (int d = 0; d < dim; d++)
                    {
                        float v = x[(o * dim + d) * inner + i];
                        s += v;
                        if (v > m) { m = v; mi = d; }
                    }
                    int j = o * inner + i;
                    ey[j] = op switch { ReduceOp.Sum => (float)s, ReduceOp.Mean => (float)(s / dim), _ => m };
                    ei[j] = mi;
                    for (int d = 0; d < dim; d++)
                        edx[(o * dim + d) * inner + i] = op switch { ReduceOp.Sum => dy[j], ReduceOp.Mean => dy[j] / dim, _ => d == mi ? dy[j] : 0f };
                }
            h.Check($"reduce {op}", b =>
            {
                var sy = b.Allocate(outer * inner);
                var am = op == ReduceOp.Max ? b.Allocate(outer * inner, DType.Int32) : null;
                b.Reduce(op, Put(b, x), sy, outer, dim, inner, am);
                var sdx = b.Allocate(x.Length);
                b.ReduceBackward(op, Put(b, dy), sdx, outer, dim, inner, am);
                var idx = am is null ? ei : GetI(b, am).Select(v => (float)v).ToArray();
                return new[] { Get(b, sy), idx, Get(b, sdx) };
            }, RedRtol, RedAtol, new[] { ey, ei, edx });
        }
    }

    [SkippableFact]
    public void GemmAllTransposesBatchOffsetsAlphaBeta()
    {
        var h = H;
        const int m = 5, n = 7, k = 9, batch = 2;
        var a = Rand(3 + batch * m * k, 50);
        var bm = Rand(2 + k * n, 51); // stride 0: the same B for every batch item
        var c0 = Rand(1 + batch * m * n, 52);
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                foreach (float beta in new[] { 0f, 0.5f })
                {
                    var cIn = (float[])c0.Clone();
                    if (beta == 0f) Array.Fill(cIn, float.NaN, 1, cIn.Length - 1); // beta = 0 must not read C
                    var expect = (float[])cIn.Clone();
                    ReferenceGemm.Gemm(ta, tb, m, n, k, 1.5f, a, 3, m * k, bm, 2, 0, beta, expect, 1, m * n, batch);
                    h.Check($"gemm ta={ta} tb={tb} beta={beta}", be =>
                    {
                        var sc = Put(be, cIn);
                        be.Gemm(ta, tb, m, n, k, 1.5f, Put(be, a), 3, m * k, Put(be, bm), 2, 0, beta, sc, 1, m * n, batch);
                        var r = Get(be, sc);
                        r[0] = 0f; // element 0 lies before cOffset and is never written
                        return new[] { r };
                    }, RedRtol, RedAtol, new[] { expect.Select((v, i) => i == 0 ? 0f : v).ToArray() });
                }
    }

    public static IEnumerable<object[]> ConvCases()
    {
        // N, C, H, W, K, R, S, stride, pad, dilation, groups
        yield return new object[] { new[] { 1, 2, 5, 4, 3, 3, 3, 1, 1, 1, 1 } };
        yield return new object[] { new[] { 2, 2, 5, 4, 3, 3, 2, 2, 1, 1, 1 } };
        yield return new object[] { new[] { 1, 4, 5, 5, 2, 3, 3, 1, 2, 2, 2 } };
    }

    [SkippableTheory]
    [MemberData(nameof(ConvCases))]
    public void Conv2dForwardAndBackwards(int[] p)
    {
        var h = H;
        var g = new Conv2dGeometry(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[7], p[8], p[8], p[9], p[9], p[10]);
        var rg = new RefConvGeometry(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[7], p[8], p[8], p[9], p[9], p[10]);
        var x = Rand((int)g.InputCount, 60);
        var w = Rand((int)g.WeightCount, 61);
        var bias = Rand(g.K, 62);
        var dy = Rand((int)g.OutputCount, 63);
        var ey = new float[g.OutputCount];
        var edx = new float[g.InputCount];
        var edw = new float[g.WeightCount];
        var edb = new float[g.K];
        ReferenceConv.Forward(rg, x, w, bias, ey);
        ReferenceConv.BackwardData(rg, dy, w, edx);
        ReferenceConv.BackwardWeight(rg, x, dy, edw, edb);
        h.Check("conv2d", b =>
        {
            var sx = Put(b, x);
            var sw = Put(b, w);
            var sdy = Put(b, dy);
            var sy = b.Allocate(g.OutputCount);
            b.Conv2dForward(g, sx, sw, Put(b, bias), sy);
            var sdx = b.Allocate(g.InputCount);
            b.Conv2dBackwardData(g, sdy, sw, sdx);
            var sdw = b.Allocate(g.WeightCount);
            var sdb = b.Allocate(g.K);
            b.Conv2dBackwardWeight(g, sx, sdy, sdw, sdb);
            return new[] { Get(b, sy), Get(b, sdx), Get(b, sdw), Get(b, sdb) };
        }, RedRtol, RedAtol, new[] { ey, edx, edw, edb });
    }

    [SkippableFact]
    public void BatchNormTrainEvalBackward()
    {
        var h = H;
        const int n = 2, c = 3, hw = 6;
        var x = Rand(n * c * hw, 70, -2f, 3f);
        var gamma = Rand(c, 71, 0.5f, 1.5f);
        var beta = Rand(c, 72);
        var rm0 = Rand(c, 73);
        var rv0 = Rand(c, 74, 0.5f, 2f);
        var dy = Rand(n * c * hw, 75);
        // Scalar reference in double.
        var ey = new float[x.Length];
        var emean = new float[c];
        var einv = new float[c];
        var erm = new float[c];
        var erv = new float[c];
        var edx = new float[x.Length];
        var edg = new float[c];
        var edb = new float[c];
        var eEval = new float[x.Length];
        int cnt = n * hw;
        for (int ch = 0; ch < c; ch++)
        {
            double s = 0, sq = 0;
            for (int i = 0; i < n; i++) for (int q = 0; q < hw; q++) s += x[(i * c + ch) * hw + q];
            double mean = s / cnt;
            for (int i = 0; i < n; i++) for (int q = 0; q < hw; q++) sq += Math.Pow(x[(i * c + ch) * hw + q] - mean, 2);
            double inv = 1 / Math.Sqrt(sq / cnt + 1e-5);
            emean[ch] = (float)mean;
            einv[ch] = (float)inv;
            erm[ch] = (float)(0.9 * rm0[ch] + 0.1 * mean);
            erv[ch] = (float)(0.9 * rv0[ch] + 0.1 * sq / (cnt - 1));
            double sdy = 0, dot = 0;
            for (int i = 0; i < n; i++)
                for (int q = 0; q < hw; q++)
                {
                    int j = (i * c + ch) * hw + q;
                    ey[j] = (float)((x[j] - mean) * inv * gamma[ch] + beta[ch]);
                    eEval[j] = (float)((x[j] - rm0[ch]) / Math.Sqrt(rv0[ch] + 1e-5) * gamma[ch] + beta[ch]);
                    sdy += dy[j];
                    dot += dy[j] * (x[j] - mean);
                }
            edb[ch] = (float)sdy;
            edg[ch] = (float)(dot * inv);
            for (int i = 0; i < n; i++)
                for (int q = 0; q < hw; q++)
                {
                    int j = (i * c + ch) * hw + q;
                    edx[j] = (float)((dy[j] - sdy / cnt - (x[j] - mean) * dot * inv * inv / cnt) * inv * gamma[ch]);
                }
        }
        h.Check("batchnorm", b =>
        {
            var sx = Put(b, x);
            var sg = Put(b, gamma);
            var sb = Put(b, beta);
            var sy = b.Allocate(x.Length);
            var sm = b.Allocate(c);
            var si = b.Allocate(c);
            var rm = Put(b, rm0);
            var rv = Put(b, rv0);
            b.BatchNormTrain(sx, sg, sb, sy, sm, si, rm, rv, n, c, hw, 0.1f, 1e-5f);
            var sdx = b.Allocate(x.Length);
            var sdg = b.Allocate(c);
            var sdb = b.Allocate(c);
            b.BatchNormBackward(sx, Put(b, dy), sg, sm, si, sdx, sdg, sdb, n, c, hw);
            var se = b.Allocate(x.Length);
            b.BatchNormEval(sx, sg, sb, se, Put(b, rm0), Put(b, rv0), n, c, hw, 1e-5f);
            return new[] { Get(b, sy), Get(b, sm), Get(b, si), Get(b, rm), Get(b, rv), Get(b, sdx), Get(b, sdg), Get(b, sdb), Get(b, se) };
        }, RedRtol, RedAtol, new[] { ey, emean, einv, erm, erv, edx, edg, edb, eEval });
    }

    public static IEnumerable<object[]> PoolCases()
    {
        // H, W, k, stride, pad, ceil, countIncludePad
        yield return new object[] { 5, 5, 3, 2, 1, false, true };
        yield return new object[] { 5, 6, 2, 2, 0, true, true };
        yield return new object[] { 6, 5, 3, 2, 1, true, false };
        yield return new object[] { 4, 4, 3, 1, 1, false, false };
    }

    [SkippableTheory]
    [MemberData(nameof(PoolCases))]
    public void Pooling(int hh, int ww, int k, int s, int pad, bool ceil, bool includePad)
    {
        var h = H;
        const int n = 1, c = 2;
        var g = new Pool2dGeometry(n, c, hh, ww, k, k, s, s, pad, pad, ceil, includePad);
        var x = Rand(n * c * hh * ww, 80);
        x[3] = x[4]; // a tie inside a window
        var dy = Rand((int)g.OutputCount, 81);
        var (ey, ei) = ReferencePool.MaxPool2d(x, n * c, hh, ww, k, k, s, s, pad, pad, ceil);
        var emdx = ReferencePool.MaxPool2dBackward(dy, ei, n * c, hh, ww, g.OutH, g.OutW);
        var eay = ReferencePool.AvgPool2d(x, n * c, hh, ww, k, k, s, s, pad, pad, ceil, includePad);
        var eadx = ReferencePool.AvgPool2dBackward(dy, n * c, hh, ww, k, k, s, s, pad, pad, ceil, includePad);
        h.Check("pool", b =>
        {
            var sx = Put(b, x);
            var sdy = Put(b, dy);
            var sy = b.Allocate(g.OutputCount);
            var si = b.Allocate(g.OutputCount, DType.Int32);
            b.MaxPool2dForward(g, sx, sy, si);
            var sdx = b.Allocate(x.Length);
            b.MaxPool2dBackward(g, sdy, si, sdx);
            var say = b.Allocate(g.OutputCount);
            b.AvgPool2dForward(g, sx, say);
            var sadx = b.Allocate(x.Length);
            b.AvgPool2dBackward(g, sdy, sadx);
            return new[] { Get(b, sy), GetI(b, si).Select(v => (float)v).ToArray(), Get(b, sdx), Get(b, say), Get(b, sadx) };
        }, RedRtol, RedAtol, new[] { ey, ei.Select(v => (float)v).ToArray(), emdx, eay, eadx });
    }

    public static IEnumerable<object[]> UpsampleCases()
    {
        foreach (var mode in new[] { InterpolationMode.Nearest, InterpolationMode.Bilinear })
            foreach (bool align in mode == InterpolationMode.Bilinear ? new[] { false, true } : new[] { false })
            {
                yield return new object[] { mode, align, 3, 4, 5, 7 };
                yield return new object[] { mode, align, 5, 7, 3, 4 };
                yield return new object[] { mode, align, 2, 3, 4, 6 };
            }
    }

    [SkippableTheory]
    [MemberData(nameof(UpsampleCases))]
    public void Upsample(InterpolationMode mode, bool align, int ih, int iw, int oh, int ow)
    {
        var h = H;
        const int planes = 2;
        var x = Rand(planes * ih * iw, 90);
        var dy = Rand(planes * oh * ow, 91);
        bool bi = mode == InterpolationMode.Bilinear;
        var ey = bi ? ReferencePool.UpsampleBilinear(x, planes, ih, iw, oh, ow, align) : ReferencePool.UpsampleNearest(x, planes, ih, iw, oh, ow);
        var edx = bi ? ReferencePool.UpsampleBilinearBackward(dy, planes, ih, iw, oh, ow, align) : ReferencePool.UpsampleNearestBackward(dy, planes, ih, iw, oh, ow);
        h.Check($"upsample {mode} align={align} {ih}x{iw}->{oh}x{ow}", b =>
        {
            var sy = b.Allocate(dy.Length);
            b.Upsample(mode, align, Put(b, x), sy, planes, ih, iw, oh, ow);
            var sdx = b.Allocate(x.Length);
            b.UpsampleBackward(mode, align, Put(b, dy), sdx, planes, ih, iw, oh, ow);
            return new[] { Get(b, sy), Get(b, sdx) };
        }, RedRtol, RedAtol, new[] { ey, edx });
    }
}
