using VisionCuda.Backends;

using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// Box ops (IBackend.Box.cs): CIoU forward/backward, IoU matrix, DFL decode/loss forward/backward and the assigner
// metrics, device vs Cpu, on sizes that are not multiples of the 256-thread blocks, with degenerate (zero-area,
// point, identical) boxes mixed in.
public static partial class OpCases
{
    /// <summary>Random xyxy boxes [outer, 4, inner] in [0, 20), every 7th degenerate (zero width, zero height or a point).</summary>
    private static float[] BoxesLayout(OpContext t, long outer, long inner)
    {
        var u = t.Uniform(outer * 4 * inner, 0f, 20f);
        var wh = t.Uniform(outer * 2 * inner, 0.5f, 8f);
        var r = new float[outer * 4 * inner];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                long at = o * 4 * inner + i, k = o * inner + i;
                float x1 = u[at], y1 = u[at + inner], w = wh[2 * k], h = wh[2 * k + 1];
                if (k % 7 == 3) w = 0f;
                if (k % 7 == 5) h = 0f;
                if (k % 11 == 6) w = h = 0f;
                r[at] = x1;
                r[at + inner] = y1;
                r[at + 2 * inner] = x1 + w;
                r[at + 3 * inner] = y1 + h;
            }
        return r;
    }

    private static void AddBox(List<OpCase> list)
    {
        void Add(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase(name, covers, false, run));

        foreach (var (outer, inner) in new (long, long)[] { (1037, 1), (3, 301) })
            Add($"ciou({outer}x4x{inner})", ["Ciou", "CiouBackward"], t =>
            {
                var p = BoxesLayout(t, outer, inner);
                var q = BoxesLayout(t, outer, inner);
                for (long k = 0; k < outer * inner; k += 13)   // identical pairs: iou 1, rho 0
                {
                    long o = k / inner, i = k % inner;
                    for (int c = 0; c < 4; c++) q[o * 4 * inner + c * inner + i] = p[o * 4 * inner + c * inner + i];
                }
                var pred = t.Pair(p);
                var target = t.Pair(q);
                var y = t.Out(outer * inner);
                Det(t.Device).Ciou(pred.D, target.D, y.D, outer, inner, BoxMath.CiouEps);
                Det(t.Cpu).Ciou(pred.C, target.C, y.C, outer, inner, BoxMath.CiouEps);
                // CIoU = iou - (rho2/c2 + v alpha) cancels and atan is a soft implementation on a GPU: the elementwise
                // entry's absolute 1e-6 is what this needs
                t.Elementwise(y, "ciou");
                t.Oracle(y.C, () => ReferenceBox.Ciou(p, q, outer, inner, BoxMath.CiouEps), "ciou", Tolerances.Reduction);
                var dy = t.Pair(t.Uniform(outer * inner));
                var dp = t.Out(outer * 4 * inner);
                Det(t.Device).CiouBackward(pred.D, target.D, dy.D, dp.D, outer, inner, BoxMath.CiouEps);
                Det(t.Cpu).CiouBackward(pred.C, target.C, dy.C, dp.C, outer, inner, BoxMath.CiouEps);
                // the gradient sums a dozen terms that cancel (e.g. at identical boxes): reduction tolerances
                t.Reduction(dp, "ciou backward");
            });

        Add("box_iou_matrix(37x4 by 301x4)", ["BoxIouMatrix"], t =>
        {
            var aData = BoxesLayout(t, 37, 1);
            var bData = BoxesLayout(t, 301, 1);
            var a = t.Pair(aData);
            var b = t.Pair(bData);
            var y = t.Out(37 * 301);
            Det(t.Device).BoxIouMatrix(a.D, b.D, y.D, 37, 301);
            Det(t.Cpu).BoxIouMatrix(a.C, b.C, y.C, 37, 301);
            t.Elementwise(y, "box iou matrix");   // NaN where both boxes are empty, on both sides
            t.Oracle(y.C, () => ReferenceBox.IouMatrix(aData, bData, 37, 301), "box iou matrix", Tolerances.Elementwise);
        });

        foreach (var (outer, bins, inner) in new (long, int, long)[] { (12, 16, 263), (5, 7, 1), (2, 2, 300) })
            Add($"dfl({outer}x{bins}x{inner})", ["DflDecode", "DflDecodeBackward", "DflLoss", "DflLossBackward"], t =>
            {
                long n = outer * bins * inner, m = outer * inner;
                var x = t.Pair(t.Uniform(n, -6f, 6f));
                var dist = t.Out(m);
                Det(t.Device).DflDecode(x.D, dist.D, outer, bins, inner);
                Det(t.Cpu).DflDecode(x.C, dist.C, outer, bins, inner);
                t.Reduction(dist, "dfl decode");
                var dd = t.Pair(t.Uniform(m));
                var dx = t.Out(n);
                Det(t.Device).DflDecodeBackward(x.D, dd.D, dx.D, outer, bins, inner);
                Det(t.Cpu).DflDecodeBackward(x.C, dd.C, dx.C, outer, bins, inner);
                t.Reduction(dx, "dfl decode backward");

                // targets over the whole range and beyond (clamped), weight 0 at every 3rd position with a NaN target
                var tg = t.Uniform(m, -1f, bins + 1f);
                var w = t.Uniform(m, 0.1f, 2f);
                for (long i = 0; i < m; i += 3)
                {
                    w[i] = 0f;
                    tg[i] = float.NaN;
                }
                var target = t.Pair(tg);
                var weight = t.Pair(w);
                var loss = t.Out(m);
                Det(t.Device).DflLoss(x.D, target.D, weight.D, loss.D, outer, bins, inner);
                Det(t.Cpu).DflLoss(x.C, target.C, weight.C, loss.C, outer, bins, inner);
                t.Reduction(loss, "dfl loss");
                var dl = t.Pair(t.Uniform(m));
                var dxl = t.Out(n);
                Det(t.Device).DflLossBackward(x.D, target.D, weight.D, dl.D, dxl.D, outer, bins, inner);
                Det(t.Cpu).DflLossBackward(x.C, target.C, weight.C, dl.C, dxl.C, outer, bins, inner);
                t.Reduction(dxl, "dfl loss backward");
            });

        Add("assigner_metrics(b3,g5,a301,nc4)", ["AssignerMetrics"], t =>
        {
            const int b = 3, g = 5, a = 301, nc = 4;
            var anchors = new float[2 * a];
            for (int k = 0; k < a; k++)
            {
                anchors[k] = 4f + 8f * (k % 17);
                anchors[a + k] = 4f + 8f * (k / 17);
            }
            // predicted boxes around each anchor, some degenerate
            var wh = t.Uniform(b * 2 * a, 0f, 40f);
            var off = t.Uniform(b * 2 * a, -6f, 6f);
            var pred = new float[b * 4 * a];
            for (int i = 0; i < b; i++)
                for (int k = 0; k < a; k++)
                {
                    int j = i * a + k;
                    float cx = anchors[k] + off[2 * j], cy = anchors[a + k] + off[2 * j + 1];
                    float w = k % 9 == 4 ? 0f : wh[2 * j], h = wh[2 * j + 1];
                    pred[i * 4 * a + k] = cx - w / 2;
                    pred[i * 4 * a + a + k] = cy - h / 2;
                    pred[i * 4 * a + 2 * a + k] = cx + w / 2;
                    pred[i * 4 * a + 3 * a + k] = cy + h / 2;
                }
            var gtU = t.Uniform(b * g * 4, 0f, 1f);
            var gt = new float[b * g * 4];
            for (int r = 0; r < b * g; r++)
            {
                float x1 = gtU[4 * r] * 100f, y1 = gtU[4 * r + 1] * 100f;
                gt[4 * r] = x1;
                gt[4 * r + 1] = y1;
                gt[4 * r + 2] = x1 + 5f + gtU[4 * r + 2] * 60f;
                gt[4 * r + 3] = r == 7 ? y1 : y1 + 5f + gtU[4 * r + 3] * 60f;   // one empty gt
            }
            var cls = t.Ints(b * g, 0, nc);
            int[] counts = { 5, 2, 0 };   // padding rows in images 1 and 2
            var scores = t.Pair(t.Uniform(b * nc * a, 0f, 1f));
            var pb = t.Pair(pred);
            var an = t.Pair(anchors);
            var gb = t.Pair(gt);
            var gc = t.Pair(cls);
            var cnt = t.Pair(counts);
            var inside = t.Out(b * g * a, DType.Int32);
            var overlap = t.Out(b * g * a);
            var metric = t.Out(b * g * a);
            Det(t.Device).AssignerMetrics(scores.D, pb.D, an.D, gb.D, gc.D, cnt.D, inside.D, overlap.D, metric.D, b, g, a, nc, 0.5f, 6f, 1e-9f);
            Det(t.Cpu).AssignerMetrics(scores.C, pb.C, an.C, gb.C, gc.C, cnt.C, inside.C, overlap.C, metric.C, b, g, a, nc, 0.5f, 6f, 1e-9f);
            t.Exact(inside, "assigner inside", DType.Int32);
            if (t.Device.Name == "cuda-emu")
            {
                // the emulator rounds like the host (no fma contraction, glibc atanf/powf): bitwise the Cpu backend's
                t.Exact(overlap, "assigner overlap");
                t.Exact(metric, "assigner metric");
            }
            else
            {
                // a GPU's atanf/powf may differ by an ulp or two (kernels/assigner.cu); metric = s^0.5 ov^6 amplifies
                // the overlap's error six-fold
                t.Elementwise(overlap, "assigner overlap");
                t.Compare(metric, "assigner metric", Tolerances.AssignerMetric);
            }
        });
    }
}
