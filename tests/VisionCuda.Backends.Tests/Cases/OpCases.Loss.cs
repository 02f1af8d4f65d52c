using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// losses: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddLoss(List<OpCase> list)
    {
        void Add(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase(name, covers, false, run));

        foreach (bool weighted in new[] { false, true })
            foreach (float smoothing in new[] { 0f, 0.1f })
                Add($"nll(weighted={weighted},smoothing={smoothing})", ["NllLoss", "NllLossBackward"], t =>
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
            Add($"bce_with_logits(posWeight={pw})", ["BceWithLogits", "BceWithLogitsBackward"], t =>
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
        Add("one_hot", ["OneHot"], t =>
        {
            var idx = t.Ints(301, -1, 8);
            idx[7] = 8; // out of range -> zero row
            var ix = t.Pair(idx);
            var y = t.Out(301 * 7);
            t.Device.OneHot(ix.D, y.D, 301, 7);
            t.Cpu.OneHot(ix.C, y.C, 301, 7);
            t.Exact(y, "one_hot");
        });
    }
}
