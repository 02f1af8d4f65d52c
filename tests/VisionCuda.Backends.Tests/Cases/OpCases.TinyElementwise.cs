using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// The Ilgpu suite's tiny cases of the memory, elementwise, randomness and optimizer ops (ilgpu:cpu runs these).
public static partial class OpCases
{
    private static void AddTinyElementwise(List<OpCase> list)
    {
        void Tiny(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase("tiny " + name, covers, true, run));

        Tiny("fill", ["Fill"], t =>
        {
            t.Both("fill", b =>
            {
                var s = t.Alloc(b, 13);
                b.Fill(s, 2.5f);
                return [OpContext.Get(b, s)];
            }, Tolerances.Exact, () => [Enumerable.Repeat(2.5f, 13).ToArray()]);
        });
        Tiny("fill(int32)", ["Fill"], t =>
        {
            // the Cuda backend writes the float's bits into an Int32 storage (7f reads back as 1088421888) where the Cpu
            // and Ilgpu backends write the integer: reported on issue #11, not fixed here (the backends' src is not ours)
            if (t.Device is VisionCuda.Cuda.CudaBackend) t.KnownIssue("Cuda Fill on an Int32 storage writes float bits (reported, issue #11)");
            var si = t.Alloc(t.Device, 5, DType.Int32);
            t.Device.Fill(si, 7f);
            OpContext.Same(OpContext.GetInts(t.Device, si), [7, 7, 7, 7, 7], "fill int");
        });
        Tiny("copy_blocks(float, int accumulate)", ["CopyBlocks"], t =>
        {
            var src = Rand(24, 1);
            var dst = Rand(30, 2);
            foreach (bool acc in new[] { false, true })
                t.Both($"copyblocks acc={acc}", b =>
                {
                    var d = t.Put(b, dst);
                    b.CopyBlocks(t.Put(b, src), 2, 7, d, 1, 9, 3, 4, acc);
                    return [OpContext.Get(b, d)];
                }, Tolerances.Exact, () => [ReferenceMemory.CopyBlocks(src, 2, 7, dst, 1, 9, 3, 4, acc)]);
            var idst = t.Put(t.Device, new[] { 10, 20, 30, 40 });
            t.Device.CopyBlocks(t.Put(t.Device, new[] { 1, 2, 3, 4, 5, 6 }), 1, 3, idst, 0, 2, 2, 2, accumulate: true);
            OpContext.Same(OpContext.GetInts(t.Device, idst), [12, 23, 35, 46], "copyblocks int accumulate");
        });
        Tiny("permute", ["Permute"], t =>
        {
            var x = Rand(2 * 3 * 4 * 5, 3);
            int[] shape = [2, 3, 4, 5], perm = [2, 0, 3, 1];
            t.Both("permute", b =>
            {
                var y = t.Alloc(b, x.Length);
                b.Permute(t.Put(b, x), shape, perm, y);
                return [OpContext.Get(b, y)];
            }, Tolerances.Exact, () => [ReferenceMemory.Permute(x, shape, perm)]);
        });
        Tiny("axpy", ["Axpy"], t =>
        {
            var ya = Rand(11, 4);
            var yb = Rand(11, 5);
            t.Both("axpy", b =>
            {
                var a = t.Put(b, ya);
                b.Axpy(a, t.Put(b, yb), a, 11, -0.75f);
                return [OpContext.Get(b, a)];
            }, Tolerances.Elementwise, () => [ReferenceElementwise.Axpy(ya, yb, -0.75f)]);
        });

        foreach (var op in Enum.GetValues<UnaryOp>())
            Tiny($"unary({op})", ["Unary", "UnaryBackward"], t =>
            {
                bool positive = op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Pow or UnaryOp.Reciprocal;
                var x = positive ? Rand(37, 10, 0.2f, 3f) : Rand(37, 10, -5f, 5f);
                var dy = Rand(37, 11);
                (float a, float b) = op switch
                {
                    UnaryOp.LeakyRelu => (0.1f, 0f),
                    UnaryOp.Pow => (1.7f, 0f),
                    UnaryOp.Clamp => (-1.5f, 2f),
                    UnaryOp.Affine => (1.3f, -0.4f),
                    _ => (0f, 0f),
                };
                t.Both($"unary {op}", be =>
                {
                    var sx = t.Put(be, x);
                    var sy = t.Alloc(be, 37);
                    be.Unary(op, sx, sy, 37, a, b);
                    var sdx = t.Alloc(be, 37);
                    be.UnaryBackward(op, sx, sy, t.Put(be, dy), sdx, 37, a, b);
                    return [OpContext.Get(be, sy), OpContext.Get(be, sdx)];
                }, Tolerances.Elementwise);
            });
        Tiny("unary(Pow, exponents 0 0.5 1 2 3)", ["Unary", "UnaryBackward"], t =>
        {
            var x = Rand(9, 12, 0.1f, 2f);
            foreach (float e in new[] { 0f, 0.5f, 1f, 2f, 3f })
                t.Both($"pow {e}", be =>
                {
                    var sx = t.Put(be, x);
                    var sy = t.Alloc(be, 9);
                    be.Unary(UnaryOp.Pow, sx, sy, 9, e);
                    var sdx = t.Alloc(be, 9);
                    be.UnaryBackward(UnaryOp.Pow, sx, sy, t.Put(be, x), sdx, 9, e);
                    return [OpContext.Get(be, sy), OpContext.Get(be, sdx)];
                }, Tolerances.Elementwise);
        });

        int[][][] shapes =
        [
            [[3, 4], [3, 4]], [[3, 4], [1]], [[1], [2, 3]], [[2, 3, 1, 4], [3, 5, 1]], [[2, 1, 3, 1, 2, 1], [1, 2, 1, 3, 1, 2]],
        ];
        foreach (var op in Enum.GetValues<BinaryOp>())
            foreach (var s in shapes)
                Tiny($"binary({op},[{string.Join(",", s[0])}]x[{string.Join(",", s[1])}])", ["Binary"], t =>
                {
                    var plan = BroadcastPlan.Create(s[0], s[1]);
                    var a = Rand((int)Shapes.Numel(s[0]), 20, -2f, 2f);
                    var b = Rand((int)Shapes.Numel(s[1]), 21, 0.5f, 2f);
                    t.Both($"binary {op}", be =>
                    {
                        var y = t.Alloc(be, plan.Count);
                        be.Binary(op, t.Put(be, a), t.Put(be, b), y, plan);
                        return [OpContext.Get(be, y)];
                    }, Tolerances.Elementwise, () => [ReferenceElementwise.Binary(BinaryFunc(op), a, s[0], b, s[1])]);
                });

        Tiny("dropout_mask(bitwise Philox)", ["DropoutMask"], t =>
        {
            const int n = 41;
            const float p = 0.3f;
            const ulong seed = 1234567, offset = 1000;
            var expect = new float[n];
            for (int i = 0; i < n; i++) expect[i] = VisionCuda.Random.Philox.Uniform(seed, offset + (ulong)i) < p ? 0f : 1f / (1f - p);
            var m = t.Alloc(t.Device, n);
            t.Device.DropoutMask(m, n, p, seed, offset);
            t.Check(OpContext.Get(t.Device, m), expect, Tolerances.Exact, $"dropout mask on {t.Device.Name} vs Philox");
        });

        Tiny("optimizers(sgd, adam, adamw, ema)", ["SgdStep", "AdamStep", "EmaUpdate"], t =>
        {
            const int n = 19;
            var p0 = Rand(n, 30);
            var g = Rand(n, 31);
            var buf0 = Rand(n, 32);
            var v0 = Rand(n, 33, 0f, 1f);
            foreach (var (nesterov, first) in new[] { (false, true), (false, false), (true, false) })
                t.Both($"sgd nesterov={nesterov} first={first}", b =>
                {
                    var sp = t.Put(b, p0);
                    var sb = t.Put(b, buf0);
                    b.SgdStep(sp, t.Put(b, g), sb, n, 0.1f, 0.9f, 1e-2f, nesterov, first);
                    return [OpContext.Get(b, sp), OpContext.Get(b, sb)];
                }, Tolerances.Elementwise, () =>
                {
                    var (ep, eb) = ReferenceOptim.Sgd(p0, g, buf0, 0.1f, 0.9f, 1e-2f, nesterov, first);
                    return [ep, eb];
                });
            foreach (bool decoupled in new[] { false, true })
                t.Both($"adam decoupled={decoupled}", b =>
                {
                    var sp = t.Put(b, p0);
                    var sm = t.Put(b, buf0);
                    var sv = t.Put(b, v0);
                    b.AdamStep(sp, t.Put(b, g), sm, sv, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.05f, decoupled, 3);
                    return [OpContext.Get(b, sp), OpContext.Get(b, sm), OpContext.Get(b, sv)];
                }, Tolerances.Elementwise, () =>
                {
                    var (ep, em, ev) = ReferenceOptim.Adam(p0, g, buf0, v0, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.05f, decoupled, 3);
                    return [ep, em, ev];
                });
            t.Both("ema", b =>
            {
                var se = t.Put(b, buf0);
                b.EmaUpdate(se, t.Put(b, p0), n, 0.99f);
                return [OpContext.Get(b, se)];
            }, Tolerances.Elementwise, () => [ReferenceOptim.Ema(buf0, p0, 0.99f)]);
        });
    }

    private static Func<float, float, float> BinaryFunc(BinaryOp op) => op switch
    {
        BinaryOp.Add => (x, y) => x + y,
        BinaryOp.Sub => (x, y) => x - y,
        BinaryOp.Mul => (x, y) => x * y,
        BinaryOp.Div => (x, y) => x / y,
        BinaryOp.Maximum => MathF.Max,
        _ => MathF.Min,
    };
}
