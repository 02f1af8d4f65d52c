using VisionCuda.Backends;

namespace VisionCuda.Cuda.Tests.OpSuite;

/// <summary>One named comparison of an op (or an op family with one configuration) between a device and the Cpu backend.</summary>
public sealed record OpCase(string Name, Action<OpContext> Run)
{
    public override string ToString() => Name;
}

/// <summary>
/// The op-comparison suite: every IBackend op, forward and backward, on shapes that are not multiples of the block
/// sizes (256 threads, 128x128 GEMM tiles), compared with the Cpu backend. Used by the cuda-emu and GPU tests and by
/// the GPU runner. <see cref="CudaBackend.UseCublas"/> is toggled where GEMM is involved so both paths are covered.
/// </summary>
public static partial class OpCases
{
    public static IReadOnlyList<OpCase> All { get; } = Build();

    public static OpCase Get(string name) => All.First(c => c.Name == name);

    private static List<OpCase> Build()
    {
        var list = new List<OpCase>();
        void Add(string name, Action<OpContext> run) => list.Add(new OpCase(name, run));

        // ---- memory and copies ----
        Add("fill", t =>
        {
            var y = t.Out(1037);
            t.Device.Fill(y.D, 2.5f);
            t.Cpu.Fill(y.C, 2.5f);
            t.Exact(y, "fill");
        });
        foreach (bool acc in new[] { false, true })
            Add($"copy_blocks(accumulate={acc})", t =>
            {
                var src = t.Pair(t.Uniform(7 * 53));
                var dst = t.Pair(t.Uniform(9 * 61));
                t.Device.CopyBlocks(src.D, 3, 53, dst.D, 5, 61, 6, 41, acc);
                t.Cpu.CopyBlocks(src.C, 3, 53, dst.C, 5, 61, 6, 41, acc);
                t.Elementwise(dst, "copy_blocks");
            });
        Add("permute", t =>
        {
            int[] shape = { 3, 5, 7, 11 };
            int[] perm = { 2, 0, 3, 1 };
            var x = t.Pair(t.Uniform(3 * 5 * 7 * 11));
            var y = t.Out(3 * 5 * 7 * 11);
            t.Device.Permute(x.D, shape, perm, y.D);
            t.Cpu.Permute(x.C, shape, perm, y.C);
            t.Exact(y, "permute");
        });

        // ---- elementwise ----
        foreach (var op in Enum.GetValues<UnaryOp>())
        {
            Add($"unary({op})", t =>
            {
                const int n = 1037;
                bool positive = op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Pow or UnaryOp.Reciprocal;
                var xs = positive ? t.Uniform(n, 0.1f, 3f) : t.Uniform(n, -5f, 5f);
                (float a, float b) = op switch
                {
                    UnaryOp.LeakyRelu => (0.1f, 0f),
                    UnaryOp.Pow => (2.5f, 0f),
                    UnaryOp.Clamp => (-1.5f, 2f),
                    UnaryOp.Affine => (1.7f, -0.3f),
                    _ => (0f, 0f),
                };
                var x = t.Pair(xs);
                var y = t.Out(n);
                t.Device.Unary(op, x.D, y.D, n, a, b);
                t.Cpu.Unary(op, x.C, y.C, n, a, b);
                t.Elementwise(y, $"unary {op}");
                var dy = t.Pair(t.Uniform(n));
                var dx = t.Out(n);
                // both backwards read the Cpu forward output, so only the backward formula is compared
                var yRef = t.Pair(t.Get(t.Cpu, y.C));
                t.Device.UnaryBackward(op, x.D, yRef.D, dy.D, dx.D, n, a, b);
                t.Cpu.UnaryBackward(op, x.C, yRef.C, dy.C, dx.C, n, a, b);
                t.Elementwise(dx, $"unary backward {op}");
            });
        }
        foreach (var op in Enum.GetValues<BinaryOp>())
        {
            foreach (var (sa, sb) in new[] { (new[] { 5, 7, 31 }, new[] { 5, 7, 31 }), (new[] { 5, 7, 31 }, new[] { 1 }), (new[] { 3, 1, 5, 7 }, new[] { 4, 1, 7 }), (new[] { 1, 9 }, new[] { 13, 1 }) })
            {
                Add($"binary({op},[{string.Join(",", sa)}]x[{string.Join(",", sb)}])", t =>
                {
                    var plan = BroadcastPlan.Create(sa, sb);
                    var a = t.Pair(t.Uniform(Shapes.Numel(sa), -2f, 2f));
                    var bData = t.Uniform(Shapes.Numel(sb), 0.5f, 2f); // away from 0 for Div
                    var b = t.Pair(bData);
                    var y = t.Out(plan.Count);
                    t.Device.Binary(op, a.D, b.D, y.D, plan);
                    t.Cpu.Binary(op, a.C, b.C, y.C, plan);
                    t.Elementwise(y, $"binary {op}");
                });
            }
        }
        Add("axpy", t =>
        {
            var a = t.Pair(t.Uniform(1037));
            var b = t.Pair(t.Uniform(1037));
            t.Device.Axpy(a.D, b.D, a.D, 1037, -0.37f);
            t.Cpu.Axpy(a.C, b.C, a.C, 1037, -0.37f);
            t.Elementwise(a, "axpy in place");
        });

        // ---- reductions ----
        foreach (var op in Enum.GetValues<ReduceOp>())
            foreach (var (outer, dim, inner) in new (long, int, long)[] { (7, 300, 1), (3, 37, 5), (1, 1000, 1), (2, 1, 9), (1, 70001, 1) })
            {
                if (op == ReduceOp.Max && dim > 10000) continue;
                Add($"reduce({op},{outer}x{dim}x{inner})", t =>
                {
                    long n = outer * dim * inner, m = outer * inner;
                    var x = t.Pair(t.Uniform(n));
                    var y = t.Out(m);
                    var idx = t.Out(m, DType.Int32);
                    bool max = op == ReduceOp.Max;
                    t.Device.Reduce(op, x.D, y.D, outer, dim, inner, max ? idx.D : null);
                    t.Cpu.Reduce(op, x.C, y.C, outer, dim, inner, max ? idx.C : null);
                    t.Reduction(y, $"reduce {op}");
                    if (max) t.Exact(idx, "argmax", DType.Int32);
                    var dy = t.Pair(t.Uniform(m));
                    var dx = t.Out(n);
                    t.Device.ReduceBackward(op, dy.D, dx.D, outer, dim, inner, max ? idx.D : null);
                    t.Cpu.ReduceBackward(op, dy.C, dx.C, outer, dim, inner, max ? idx.C : null);
                    t.Elementwise(dx, $"reduce backward {op}");
                });
            }

        // ---- GEMM ----
        foreach (bool cublas in new[] { true, false })
            foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
                Add($"gemm(transA={ta},transB={tb},cublas={cublas})", t =>
                {
                    SetCublas(t, cublas);
                    const int m = 67, n = 45, k = 133, batch = 3;
                    var a = t.Pair(t.Uniform(batch * m * k + 5));
                    var b = t.Pair(t.Uniform(batch * k * n + 3));
                    var c = t.Pair(t.Uniform(batch * m * n + 2));
                    t.Device.Gemm(ta, tb, m, n, k, 0.7f, a.D, 5, m * k, b.D, 3, k * n, 0.3f, c.D, 2, m * n, batch);
                    t.Cpu.Gemm(ta, tb, m, n, k, 0.7f, a.C, 5, m * k, b.C, 3, k * n, 0.3f, c.C, 2, m * n, batch);
                    t.Reduction(c, "gemm");
                    // shared A (stride 0), beta 0 over garbage C
                    var c2 = t.Out(batch * m * n);
                    t.Device.Gemm(ta, tb, m, n, k, 1f, a.D, 0, 0, b.D, 0, k * n, 0f, c2.D, 0, m * n, batch);
                    t.Cpu.Gemm(ta, tb, m, n, k, 1f, a.C, 0, 0, b.C, 0, k * n, 0f, c2.C, 0, m * n, batch);
                    t.Reduction(c2, "gemm stride-0 A, beta 0");
                    SetCublas(t, true);
                });

        foreach (var (ta, tb) in new[] { (false, false), (true, true), (false, true) })
            Add($"gemm(split-k,transA={ta},transB={tb},cublas=False)", t =>
            {
                // a 1-tile C with a long k takes the deterministic split-K path of the own kernel (with a k remainder)
                SetCublas(t, false);
                const int m = 40, n = 50, k = 3001;
                var a = t.Pair(t.Uniform(m * k, 0f, 1f));
                var b = t.Pair(t.Uniform(k * n, 0f, 1f));
                var c = t.Pair(t.Uniform(m * n));
                t.Device.Gemm(ta, tb, m, n, k, 0.5f, a.D, 0, 0, b.D, 0, 0, 0.25f, c.D, 0, 0);
                t.Cpu.Gemm(ta, tb, m, n, k, 0.5f, a.C, 0, 0, b.C, 0, 0, 0.25f, c.C, 0, 0);
                t.Reduction(c, "split-k gemm");
                SetCublas(t, true);
            });

        // ---- convolution ----
        var geoms = new (string Name, Conv2dGeometry G)[]
        {
            ("3x3 pad1", new Conv2dGeometry(2, 3, 11, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
            ("3x3 s2 dil2", new Conv2dGeometry(3, 4, 13, 12, 6, 3, 3, 2, 2, 1, 0, 2, 2, 1)),
            ("5x3 s(2,1)", new Conv2dGeometry(2, 2, 10, 11, 3, 5, 3, 2, 1, 2, 1, 1, 1, 1)),
            ("1x1", new Conv2dGeometry(3, 7, 6, 5, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1)),
            ("grouped 3", new Conv2dGeometry(2, 6, 9, 8, 9, 3, 3, 1, 1, 1, 1, 1, 1, 3)),
            ("depthwise s2", new Conv2dGeometry(2, 5, 11, 10, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5)),
        };
        foreach (var (gname, g) in geoms)
            foreach (bool cublas in new[] { true, false })
            {
                if (!cublas && g.Groups != 1) continue;
                Add($"conv2d({gname},cublas={cublas})", t =>
                {
                    SetCublas(t, cublas);
                    var x = t.Pair(t.Uniform(g.InputCount));
                    var w = t.Pair(t.Uniform(g.WeightCount));
                    var bias = t.Pair(t.Uniform(g.K));
                    var y = t.Out(g.OutputCount);
                    t.Device.Conv2dForward(g, x.D, w.D, bias.D, y.D);
                    t.Cpu.Conv2dForward(g, x.C, w.C, bias.C, y.C);
                    t.Reduction(y, "conv2d forward");
                    var y2 = t.Out(g.OutputCount);
                    t.Device.Conv2dForward(g, x.D, w.D, null, y2.D);
                    t.Cpu.Conv2dForward(g, x.C, w.C, null, y2.C);
                    t.Reduction(y2, "conv2d forward (no bias)");
                    var dy = t.Pair(t.Uniform(g.OutputCount));
                    var dx = t.Out(g.InputCount);
                    t.Device.Conv2dBackwardData(g, dy.D, w.D, dx.D);
                    t.Cpu.Conv2dBackwardData(g, dy.C, w.C, dx.C);
                    t.Reduction(dx, "conv2d backward data");
                    var dw = t.Out(g.WeightCount);
                    var db = t.Out(g.K);
                    t.Device.Conv2dBackwardWeight(g, x.D, dy.D, dw.D, db.D);
                    t.Cpu.Conv2dBackwardWeight(g, x.C, dy.C, dw.C, db.C);
                    t.Reduction(dw, "conv2d backward weight");
                    t.Reduction(db, "conv2d backward bias");
                    SetCublas(t, true);
                });
            }
        Add("conv2d(chunked im2col)", t =>
        {
            // a workspace of one image forces several chunks (and the dy transpose of backward-weight with nb > 1)
            var g = new Conv2dGeometry(5, 3, 9, 10, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            if (t.Device is CudaBackend cb) cb.ConvWorkspaceBytes = 2L * 3 * 9 * 90 * 4 + 8;
            try
            {
                var x = t.Pair(t.Uniform(g.InputCount));
                var w = t.Pair(t.Uniform(g.WeightCount));
                var y = t.Out(g.OutputCount);
                t.Device.Conv2dForward(g, x.D, w.D, null, y.D);
                t.Cpu.Conv2dForward(g, x.C, w.C, null, y.C);
                t.Reduction(y, "chunked forward");
                var dy = t.Pair(t.Uniform(g.OutputCount));
                var dx = t.Out(g.InputCount);
                t.Device.Conv2dBackwardData(g, dy.D, w.D, dx.D);
                t.Cpu.Conv2dBackwardData(g, dy.C, w.C, dx.C);
                t.Reduction(dx, "chunked backward data");
                var dw = t.Out(g.WeightCount);
                t.Device.Conv2dBackwardWeight(g, x.D, dy.D, dw.D, null);
                t.Cpu.Conv2dBackwardWeight(g, x.C, dy.C, dw.C, null);
                t.Reduction(dw, "chunked backward weight");
            }
            finally
            {
                if (t.Device is CudaBackend cb2) cb2.ConvWorkspaceBytes = 256L << 20;
            }
        });

        // ---- batch norm ----
        Add("batchnorm", t =>
        {
            const int n = 3, c = 5;
            const long hw = 37;
            long total = n * c * hw;
            var x = t.Pair(t.Uniform(total, -2f, 3f));
            var gamma = t.Pair(t.Uniform(c, 0.5f, 1.5f));
            var beta = t.Pair(t.Uniform(c));
            var rm = t.Pair(t.Uniform(c));
            var rv = t.Pair(t.Uniform(c, 0.5f, 2f));
            var y = t.Out(total);
            var sm = t.Out(c);
            var si = t.Out(c);
            t.Device.BatchNormTrain(x.D, gamma.D, beta.D, y.D, sm.D, si.D, rm.D, rv.D, n, c, hw, 0.1f, 1e-5f);
            t.Cpu.BatchNormTrain(x.C, gamma.C, beta.C, y.C, sm.C, si.C, rm.C, rv.C, n, c, hw, 0.1f, 1e-5f);
            t.Reduction(y, "bn train y");
            t.Reduction(sm, "bn save mean");
            t.Reduction(si, "bn save invstd");
            t.Reduction(rm, "bn running mean");
            t.Reduction(rv, "bn running var");
            var dy = t.Pair(t.Uniform(total));
            var dx = t.Out(total);
            var dg = t.Out(c);
            var dbt = t.Out(c);
            t.Device.BatchNormBackward(x.D, dy.D, gamma.D, sm.D, si.D, dx.D, dg.D, dbt.D, n, c, hw);
            t.Cpu.BatchNormBackward(x.C, dy.C, gamma.C, sm.C, si.C, dx.C, dg.C, dbt.C, n, c, hw);
            t.Reduction(dx, "bn backward dx");
            t.Reduction(dg, "bn backward dgamma");
            t.Reduction(dbt, "bn backward dbeta");
            var ye = t.Out(total);
            t.Device.BatchNormEval(x.D, gamma.D, beta.D, ye.D, rm.D, rv.D, n, c, hw, 1e-5f);
            t.Cpu.BatchNormEval(x.C, gamma.C, beta.C, ye.C, rm.C, rv.C, n, c, hw, 1e-5f);
            t.Reduction(ye, "bn eval");
        });

        // ---- pooling ----
        var pools = new (string Name, Pool2dGeometry G)[]
        {
            ("3x3 s2 p1", new Pool2dGeometry(2, 3, 13, 11, 3, 3, 2, 2, 1, 1)),
            ("2x2 s2", new Pool2dGeometry(2, 2, 9, 10, 2, 2, 2, 2, 0, 0)),
            ("3x2 s(2,1) ceil", new Pool2dGeometry(1, 3, 10, 9, 3, 2, 2, 1, 1, 1, CeilMode: true)),
            ("3x3 s2 p1 ceil excl", new Pool2dGeometry(2, 2, 12, 9, 3, 3, 2, 2, 1, 1, CeilMode: true, CountIncludePad: false)),
        };
        foreach (var (pname, g) in pools)
        {
            Add($"maxpool({pname})", t =>
            {
                long inCount = (long)g.N * g.C * g.H * g.W;
                var x = t.Pair(t.Uniform(inCount));
                var y = t.Out(g.OutputCount);
                var idx = t.Out(g.OutputCount, DType.Int32);
                t.Device.MaxPool2dForward(g, x.D, y.D, idx.D);
                t.Cpu.MaxPool2dForward(g, x.C, y.C, idx.C);
                t.Exact(y, "maxpool forward");
                t.Exact(idx, "maxpool indices", DType.Int32);
                var dy = t.Pair(t.Uniform(g.OutputCount));
                var dx = t.Out(inCount);
                t.Device.MaxPool2dBackward(g, dy.D, idx.D, dx.D);
                t.Cpu.MaxPool2dBackward(g, dy.C, idx.C, dx.C);
                t.Reduction(dx, "maxpool backward");
            });
            Add($"avgpool({pname})", t =>
            {
                long inCount = (long)g.N * g.C * g.H * g.W;
                var x = t.Pair(t.Uniform(inCount));
                var y = t.Out(g.OutputCount);
                t.Device.AvgPool2dForward(g, x.D, y.D);
                t.Cpu.AvgPool2dForward(g, x.C, y.C);
                t.Reduction(y, "avgpool forward");
                var dy = t.Pair(t.Uniform(g.OutputCount));
                var dx = t.Out(inCount);
                t.Device.AvgPool2dBackward(g, dy.D, dx.D);
                t.Cpu.AvgPool2dBackward(g, dy.C, dx.C);
                t.Reduction(dx, "avgpool backward");
            });
        }

        // ---- upsample ----
        foreach (var mode in Enum.GetValues<InterpolationMode>())
            foreach (bool align in new[] { false, true })
                foreach (var (h, w, oh, ow) in new[] { (5, 7, 10, 14), (7, 6, 17, 9), (9, 11, 4, 5), (1, 3, 3, 7) })
                {
                    if (mode == InterpolationMode.Nearest && align) continue;
                    Add($"upsample({mode},align={align},{h}x{w}->{oh}x{ow})", t =>
                    {
                        const long planes = 3;
                        var x = t.Pair(t.Uniform(planes * h * w));
                        var y = t.Out(planes * oh * ow);
                        t.Device.Upsample(mode, align, x.D, y.D, planes, h, w, oh, ow);
                        t.Cpu.Upsample(mode, align, x.C, y.C, planes, h, w, oh, ow);
                        t.Elementwise(y, "upsample");
                        var dy = t.Pair(t.Uniform(planes * oh * ow));
                        var dx = t.Out(planes * h * w);
                        t.Device.UpsampleBackward(mode, align, dy.D, dx.D, planes, h, w, oh, ow);
                        t.Cpu.UpsampleBackward(mode, align, dy.C, dx.C, planes, h, w, oh, ow);
                        t.Reduction(dx, "upsample backward");
                    });
                }

        // ---- softmax ----
        foreach (bool log in new[] { false, true })
            foreach (var (outer, dim, inner) in new (long, int, long)[] { (37, 10, 1), (5, 300, 1), (3, 7, 11) })
                Add($"softmax(log={log},{outer}x{dim}x{inner})", t =>
                {
                    long n = outer * dim * inner;
                    var x = t.Pair(t.Uniform(n, -4f, 4f));
                    var y = t.Out(n);
                    t.Device.Softmax(x.D, y.D, outer, dim, inner, log);
                    t.Cpu.Softmax(x.C, y.C, outer, dim, inner, log);
                    t.Reduction(y, "softmax");
                    var yRef = t.Pair(t.Get(t.Cpu, y.C));
                    var dy = t.Pair(t.Uniform(n));
                    var dx = t.Out(n);
                    t.Device.SoftmaxBackward(yRef.D, dy.D, dx.D, outer, dim, inner, log);
                    t.Cpu.SoftmaxBackward(yRef.C, dy.C, dx.C, outer, dim, inner, log);
                    t.Reduction(dx, "softmax backward");
                });

        // ---- losses ----
        foreach (bool weighted in new[] { false, true })
            foreach (float smoothing in new[] { 0f, 0.1f })
                Add($"nll(weighted={weighted},smoothing={smoothing})", t =>
                {
                    const long outer = 4, inner = 7;
                    const int classes = 5;
                    var lp = t.Pair(t.Uniform(outer * classes * inner, -5f, -0.01f));
                    var tg = t.Ints(outer * inner, 0, classes);
                    tg[3] = -100;
                    tg[10] = -100;
                    var targets = t.Pair(tg);
                    var weight = t.Pair(t.Uniform(classes, 0.2f, 2f));
                    var loss = t.Out(outer * inner);
                    var ws = t.Out(outer * inner);
                    t.Device.NllLoss(lp.D, targets.D, weighted ? weight.D : null, loss.D, ws.D, outer, classes, inner, smoothing, -100);
                    t.Cpu.NllLoss(lp.C, targets.C, weighted ? weight.C : null, loss.C, ws.C, outer, classes, inner, smoothing, -100);
                    t.Reduction(loss, "nll loss");
                    t.Reduction(ws, "nll weight sum");
                    var dl = t.Pair(t.Uniform(outer * inner));
                    var dlp = t.Out(outer * classes * inner);
                    t.Device.NllLossBackward(targets.D, weighted ? weight.D : null, dl.D, dlp.D, outer, classes, inner, smoothing, -100);
                    t.Cpu.NllLossBackward(targets.C, weighted ? weight.C : null, dl.C, dlp.C, outer, classes, inner, smoothing, -100);
                    t.Reduction(dlp, "nll backward");
                });
        foreach (float pw in new[] { 1f, 2.5f })
            Add($"bce_with_logits(posWeight={pw})", t =>
            {
                const long n = 1037;
                var x = t.Pair(t.Uniform(n, -8f, 8f));
                var tg = t.Pair(t.Uniform(n, 0f, 1f));
                var loss = t.Out(n);
                t.Device.BceWithLogits(x.D, tg.D, loss.D, n, pw);
                t.Cpu.BceWithLogits(x.C, tg.C, loss.C, n, pw);
                t.Reduction(loss, "bce");
                var dl = t.Pair(t.Uniform(n));
                var dx = t.Out(n);
                t.Device.BceWithLogitsBackward(x.D, tg.D, dl.D, dx.D, n, pw);
                t.Cpu.BceWithLogitsBackward(x.C, tg.C, dl.C, dx.C, n, pw);
                t.Reduction(dx, "bce backward");
            });
        Add("one_hot", t =>
        {
            var idx = t.Ints(301, -1, 8);
            idx[7] = 8; // out of range -> zero row
            var ix = t.Pair(idx);
            var y = t.Out(301 * 7);
            t.Device.OneHot(ix.D, y.D, 301, 7);
            t.Cpu.OneHot(ix.C, y.C, 301, 7);
            t.Exact(y, "one_hot");
        });

        // ---- randomness, optimizers ----
        Add("dropout_mask", t =>
        {
            var m = t.Out(2053);
            t.Device.DropoutMask(m.D, 2053, 0.3f, 42, 1000);
            t.Cpu.DropoutMask(m.C, 2053, 0.3f, 42, 1000);
            t.Exact(m, "dropout mask");
        });
        foreach (var (mom, nest, first) in new[] { (0.9f, false, true), (0.9f, false, false), (0.9f, true, false), (0f, false, false) })
            Add($"sgd(momentum={mom},nesterov={nest},first={first})", t =>
            {
                const long n = 1037;
                var p = t.Pair(t.Uniform(n));
                var g = t.Pair(t.Uniform(n));
                var b = t.Pair(t.Uniform(n));
                t.Device.SgdStep(p.D, g.D, b.D, n, 0.05f, mom, 1e-4f, nest, first);
                t.Cpu.SgdStep(p.C, g.C, b.C, n, 0.05f, mom, 1e-4f, nest, first);
                t.Elementwise(p, "sgd param");
                if (mom != 0f) t.Elementwise(b, "sgd momentum buffer");
            });
        foreach (bool decoupled in new[] { true, false })
            Add($"adam(decoupled={decoupled})", t =>
            {
                const long n = 1037;
                var p = t.Pair(t.Uniform(n));
                var g = t.Pair(t.Uniform(n));
                var m = t.Pair(t.Uniform(n, -0.1f, 0.1f));
                var v = t.Pair(t.Uniform(n, 0f, 0.01f));
                t.Device.AdamStep(p.D, g.D, m.D, v.D, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
                t.Cpu.AdamStep(p.C, g.C, m.C, v.C, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
                t.Elementwise(p, "adam param");
                t.Elementwise(m, "adam m");
                t.Elementwise(v, "adam v");
            });
        Add("ema", t =>
        {
            var e = t.Pair(t.Uniform(1037));
            var p = t.Pair(t.Uniform(1037));
            t.Device.EmaUpdate(e.D, p.D, 1037, 0.9998f);
            t.Cpu.EmaUpdate(e.C, p.C, 1037, 0.9998f);
            t.Elementwise(e, "ema");
        });

        // ---- detection op families, each in its own OpCases.*.cs file ----
        AddBoxCases(list);
        AddNmsCases(list);
        AddAugmentCases(list);
        return list;
    }

    static partial void AddBoxCases(List<OpCase> list);

    static partial void AddNmsCases(List<OpCase> list);

    static partial void AddAugmentCases(List<OpCase> list);

    private static void SetCublas(OpContext t, bool on)
    {
        if (t.Device is CudaBackend cb) cb.UseCublas = on;
    }

    /// <summary>Runs one case with fresh storages; throws <see cref="OpMismatchException"/> on a mismatch.</summary>
    public static void Run(OpCase c, IBackend device, IBackend cpu)
    {
        using var ctx = new OpContext(device, cpu);
        c.Run(ctx);
    }
}
