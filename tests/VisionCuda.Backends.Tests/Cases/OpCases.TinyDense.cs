using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// The Ilgpu suite's tiny cases of the reductions, GEMM, conv, batch-norm, pooling and upsampling.
public static partial class OpCases
{
    private static void AddTinyDense(List<OpCase> list)
    {
        void Tiny(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase("tiny " + name, covers, true, run));

        foreach (var op in Enum.GetValues<ReduceOp>())
            Tiny($"reduce({op}, 2x5x3, tie)", ["Reduce", "ReduceBackward"], t =>
            {
                const int outer = 2, dim = 5, inner = 3;
                var x = Rand(outer * dim * inner, 40);
                x[7] = x[7 + inner]; // a tie: the first index wins
                var dy = Rand(outer * inner, 41);
                t.Both($"reduce {op}", b =>
                {
                    var sy = t.Alloc(b, outer * inner);
                    var am = op == ReduceOp.Max ? t.Alloc(b, outer * inner, DType.Int32) : null;
                    b.Reduce(op, t.Put(b, x), sy, outer, dim, inner, am);
                    var sdx = t.Alloc(b, x.Length);
                    b.ReduceBackward(op, t.Put(b, dy), sdx, outer, dim, inner, am);
                    return [OpContext.Get(b, sy), am is null ? new float[outer * inner] : AsFloats(OpContext.GetInts(b, am)), OpContext.Get(b, sdx)];
                }, Tolerances.Reduction, () =>
                {
                    var (y, idx, dx) = ReferenceReduce.Reduce((ReferenceReduce.Kind)(int)op, x, dy, outer, dim, inner);
                    return [y, AsFloats(idx), dx];
                });
            });

        Tiny("gemm(all transposes, offsets, alpha, beta 0 over NaN)", ["Gemm"], t =>
        {
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
                        t.Both($"gemm ta={ta} tb={tb} beta={beta}", be =>
                        {
                            var sc = t.Put(be, cIn);
                            be.Gemm(ta, tb, m, n, k, 1.5f, t.Put(be, a), 3, m * k, t.Put(be, bm), 2, 0, beta, sc, 1, m * n, batch);
                            var r = OpContext.Get(be, sc);
                            r[0] = 0f; // element 0 lies before cOffset and is never written
                            return [r];
                        }, Tolerances.Reduction, () =>
                        {
                            var expect = (float[])cIn.Clone();
                            ReferenceGemm.Gemm(ta, tb, m, n, k, 1.5f, a, 3, m * k, bm, 2, 0, beta, expect, 1, m * n, batch);
                            expect[0] = 0f;
                            return [expect];
                        });
                    }
        });

        // N, C, H, W, K, R, S, stride, pad, dilation, groups
        int[][] convs = [[1, 2, 5, 4, 3, 3, 3, 1, 1, 1, 1], [2, 2, 5, 4, 3, 3, 2, 2, 1, 1, 1], [1, 4, 5, 5, 2, 3, 3, 1, 2, 2, 2]];
        foreach (var p in convs)
            Tiny($"conv2d([{string.Join(",", p)}])", ["Conv2dForward", "Conv2dBackwardData", "Conv2dBackwardWeight"], t =>
            {
                var g = new Conv2dGeometry(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[7], p[8], p[8], p[9], p[9], p[10]);
                var rg = new RefConvGeometry(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[7], p[8], p[8], p[9], p[9], p[10]);
                var x = Rand((int)g.InputCount, 60);
                var w = Rand((int)g.WeightCount, 61);
                var bias = Rand(g.K, 62);
                var dy = Rand((int)g.OutputCount, 63);
                t.Both("conv2d", b =>
                {
                    var sx = t.Put(b, x);
                    var sw = t.Put(b, w);
                    var sdy = t.Put(b, dy);
                    var sy = t.Alloc(b, g.OutputCount);
                    b.Conv2dForward(g, sx, sw, t.Put(b, bias), sy);
                    var sdx = t.Alloc(b, g.InputCount);
                    b.Conv2dBackwardData(g, sdy, sw, sdx);
                    var sdw = t.Alloc(b, g.WeightCount);
                    var sdb = t.Alloc(b, g.K);
                    b.Conv2dBackwardWeight(g, sx, sdy, sdw, sdb);
                    return [OpContext.Get(b, sy), OpContext.Get(b, sdx), OpContext.Get(b, sdw), OpContext.Get(b, sdb)];
                }, Tolerances.Reduction, () =>
                {
                    var ey = new float[g.OutputCount];
                    var edx = new float[g.InputCount];
                    var edw = new float[g.WeightCount];
                    var edb = new float[g.K];
                    ReferenceConv.Forward(rg, x, w, bias, ey);
                    ReferenceConv.BackwardData(rg, dy, w, edx);
                    ReferenceConv.BackwardWeight(rg, x, dy, edw, edb);
                    return [ey, edx, edw, edb];
                });
            });

        Tiny("batchnorm(train, backward, eval)", ["BatchNormTrain", "BatchNormBackward", "BatchNormEval"], t =>
        {
            const int n = 2, c = 3, hw = 6;
            var x = Rand(n * c * hw, 70, -2f, 3f);
            var gamma = Rand(c, 71, 0.5f, 1.5f);
            var beta = Rand(c, 72);
            var rm0 = Rand(c, 73);
            var rv0 = Rand(c, 74, 0.5f, 2f);
            var dy = Rand(n * c * hw, 75);
            t.Both("batchnorm", b =>
            {
                var sx = t.Put(b, x);
                var sg = t.Put(b, gamma);
                var sb = t.Put(b, beta);
                var sy = t.Alloc(b, x.Length);
                var sm = t.Alloc(b, c);
                var si = t.Alloc(b, c);
                var rm = t.Put(b, rm0);
                var rv = t.Put(b, rv0);
                b.BatchNormTrain(sx, sg, sb, sy, sm, si, rm, rv, n, c, hw, 0.1f, 1e-5f);
                var sdx = t.Alloc(b, x.Length);
                var sdg = t.Alloc(b, c);
                var sdb = t.Alloc(b, c);
                b.BatchNormBackward(sx, t.Put(b, dy), sg, sm, si, sdx, sdg, sdb, n, c, hw);
                var se = t.Alloc(b, x.Length);
                b.BatchNormEval(sx, sg, sb, se, t.Put(b, rm0), t.Put(b, rv0), n, c, hw, 1e-5f);
                return [OpContext.Get(b, sy), OpContext.Get(b, sm), OpContext.Get(b, si), OpContext.Get(b, rm), OpContext.Get(b, rv),
                        OpContext.Get(b, sdx), OpContext.Get(b, sdg), OpContext.Get(b, sdb), OpContext.Get(b, se)];
            }, Tolerances.Reduction, () =>
            {
                var (y, mean, inv, rm, rv) = ReferenceNorm.BatchNormTrain(x, gamma, beta, rm0, rv0, n, c, hw, 0.1f, 1e-5f);
                var (dx, dg, db) = ReferenceNorm.BatchNormBackward(x, dy, gamma, mean, inv, n, c, hw);
                return [y, mean, inv, rm, rv, dx, dg, db, ReferenceNorm.BatchNormEval(x, gamma, beta, rm0, rv0, n, c, hw, 1e-5f)];
            });
        });

        // H, W, k, stride, pad, ceil, countIncludePad
        (int H, int W, int K, int S, int P, bool Ceil, bool Incl)[] pools = [(5, 5, 3, 2, 1, false, true), (5, 6, 2, 2, 0, true, true), (6, 5, 3, 2, 1, true, false), (4, 4, 3, 1, 1, false, false)];
        foreach (var (hh, ww, k, s, pad, ceil, includePad) in pools)
            Tiny($"pool({hh}x{ww},k{k},s{s},p{pad},ceil={ceil},incl={includePad})", ["MaxPool2dForward", "MaxPool2dBackward", "AvgPool2dForward", "AvgPool2dBackward"], t =>
            {
                const int n = 1, c = 2;
                var g = new Pool2dGeometry(n, c, hh, ww, k, k, s, s, pad, pad, ceil, includePad);
                var x = Rand(n * c * hh * ww, 80);
                x[3] = x[4]; // a tie inside a window
                var dy = Rand((int)g.OutputCount, 81);
                t.Both("pool", b =>
                {
                    var sx = t.Put(b, x);
                    var sdy = t.Put(b, dy);
                    var sy = t.Alloc(b, g.OutputCount);
                    var si = t.Alloc(b, g.OutputCount, DType.Int32);
                    b.MaxPool2dForward(g, sx, sy, si);
                    var sdx = t.Alloc(b, x.Length);
                    b.MaxPool2dBackward(g, sdy, si, sdx);
                    var say = t.Alloc(b, g.OutputCount);
                    b.AvgPool2dForward(g, sx, say);
                    var sadx = t.Alloc(b, x.Length);
                    b.AvgPool2dBackward(g, sdy, sadx);
                    return [OpContext.Get(b, sy), AsFloats(OpContext.GetInts(b, si)), OpContext.Get(b, sdx), OpContext.Get(b, say), OpContext.Get(b, sadx)];
                }, Tolerances.Reduction, () =>
                {
                    var (ey, ei) = ReferencePool.MaxPool2d(x, n * c, hh, ww, k, k, s, s, pad, pad, ceil);
                    var emdx = ReferencePool.MaxPool2dBackward(dy, ei, n * c, hh, ww, g.OutH, g.OutW);
                    var eay = ReferencePool.AvgPool2d(x, n * c, hh, ww, k, k, s, s, pad, pad, ceil, includePad);
                    var eadx = ReferencePool.AvgPool2dBackward(dy, n * c, hh, ww, k, k, s, s, pad, pad, ceil, includePad);
                    return [ey, AsFloats(ei), emdx, eay, eadx];
                });
            });

        foreach (var mode in new[] { InterpolationMode.Nearest, InterpolationMode.Bilinear })
            foreach (bool align in mode == InterpolationMode.Bilinear ? new[] { false, true } : new[] { false })
                foreach (var (ih, iw, oh, ow) in new[] { (3, 4, 5, 7), (5, 7, 3, 4), (2, 3, 4, 6) })
                    Tiny($"upsample({mode},align={align},{ih}x{iw}->{oh}x{ow})", ["Upsample", "UpsampleBackward"], t =>
                    {
                        const int planes = 2;
                        var x = Rand(planes * ih * iw, 90);
                        var dy = Rand(planes * oh * ow, 91);
                        bool bi = mode == InterpolationMode.Bilinear;
                        t.Both("upsample", b =>
                        {
                            var sy = t.Alloc(b, dy.Length);
                            b.Upsample(mode, align, t.Put(b, x), sy, planes, ih, iw, oh, ow);
                            var sdx = t.Alloc(b, x.Length);
                            b.UpsampleBackward(mode, align, t.Put(b, dy), sdx, planes, ih, iw, oh, ow);
                            return [OpContext.Get(b, sy), OpContext.Get(b, sdx)];
                        }, Tolerances.Reduction, () =>
                        [
                            bi ? ReferencePool.UpsampleBilinear(x, planes, ih, iw, oh, ow, align) : ReferencePool.UpsampleNearest(x, planes, ih, iw, oh, ow),
                            bi ? ReferencePool.UpsampleBilinearBackward(dy, planes, ih, iw, oh, ow, align) : ReferencePool.UpsampleNearestBackward(dy, planes, ih, iw, oh, ow),
                        ]);
                    });
    }
}
