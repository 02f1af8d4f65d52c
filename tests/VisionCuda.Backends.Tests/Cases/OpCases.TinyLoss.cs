using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// The Ilgpu suite's tiny cases of softmax, NLL, BCE with logits and one-hot.
public static partial class OpCases
{
    private static void AddTinyLoss(List<OpCase> list)
    {
        void Tiny(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase("tiny " + name, covers, true, run));

        foreach (bool log in new[] { false, true })
            Tiny($"softmax(log={log}, 2x4x3)", ["Softmax", "SoftmaxBackward"], t =>
            {
                const int outer = 2, dim = 4, inner = 3;
                var x = Rand(outer * dim * inner, 100, -3f, 3f);
                var dy = Rand(x.Length, 101);
                t.Both($"softmax log={log}", b =>
                {
                    var sy = t.Alloc(b, x.Length);
                    b.Softmax(t.Put(b, x), sy, outer, dim, inner, log);
                    var sdx = t.Alloc(b, x.Length);
                    b.SoftmaxBackward(sy, t.Put(b, dy), sdx, outer, dim, inner, log);
                    return [OpContext.Get(b, sy), OpContext.Get(b, sdx)];
                }, Tolerances.Reduction, () =>
                {
                    var (y, dx) = ReferenceReduce.Softmax(x, dy, outer, dim, inner, log);
                    return [y, dx];
                });
            });

        foreach (float eps in new[] { 0f, 0.1f })
            foreach (bool useWeight in new[] { false, true })
                Tiny($"nll(smoothing={eps},weighted={useWeight}, ignore)", ["NllLoss", "NllLossBackward"], t =>
                {
                    const int outer = 2, classes = 4, inner = 3;
                    var logp = Rand(outer * classes * inner, 110, -4f, -0.1f);
                    int[] targets = [0, 3, -100, 2, 1, 3];
                    var weight = Rand(classes, 111, 0.5f, 2f);
                    var dLoss = Rand(outer * inner, 112);
                    t.Both($"nll eps={eps} weight={useWeight}", b =>
                    {
                        var st = t.Put(b, targets);
                        var sw = useWeight ? t.Put(b, weight) : null;
                        var sl = t.Alloc(b, outer * inner);
                        var sws = t.Alloc(b, outer * inner);
                        b.NllLoss(t.Put(b, logp), st, sw, sl, sws, outer, classes, inner, eps, -100);
                        var sd = t.Alloc(b, logp.Length);
                        b.NllLossBackward(st, sw, t.Put(b, dLoss), sd, outer, classes, inner, eps, -100);
                        return [OpContext.Get(b, sl), OpContext.Get(b, sws), OpContext.Get(b, sd)];
                    }, Tolerances.Reduction, () =>
                    {
                        var (l, w, d) = ReferenceLoss.Nll(logp, targets, useWeight ? weight : null, dLoss, outer, classes, inner, eps, -100);
                        return [l, w, d];
                    });
                });

        foreach (float pw in new[] { 1f, 2.5f })
            Tiny($"bce_with_logits(posWeight={pw})", ["BceWithLogits", "BceWithLogitsBackward"], t =>
            {
                const int n = 23;
                var x = Rand(n, 120, -6f, 6f);
                var tg = Rand(n, 121, 0f, 1f);
                var dl = Rand(n, 122);
                t.Both($"bce pw={pw}", b =>
                {
                    var sx = t.Put(b, x);
                    var st = t.Put(b, tg);
                    var sl = t.Alloc(b, n);
                    b.BceWithLogits(sx, st, sl, n, pw);
                    var sd = t.Alloc(b, n);
                    b.BceWithLogitsBackward(sx, st, t.Put(b, dl), sd, n, pw);
                    return [OpContext.Get(b, sl), OpContext.Get(b, sd)];
                }, Tolerances.Reduction, () =>
                {
                    var (l, d) = ReferenceLoss.BceWithLogits(x, tg, dl, pw);
                    return [l, d];
                });
            });

        Tiny("one_hot(out of range rows)", ["OneHot"], t =>
        {
            int[] idx = [2, 0, 5, -1, 4];
            t.Both("onehot", b =>
            {
                var y = t.Alloc(b, idx.Length * 5);
                b.OneHot(t.Put(b, idx), y, idx.Length, 5);
                return [OpContext.Get(b, y)];
            }, Tolerances.Exact, () => [ReferenceMemory.OneHot(idx, 5)]);
        });
    }
}
