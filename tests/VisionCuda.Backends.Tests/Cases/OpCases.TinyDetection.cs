using System.Runtime.InteropServices;
using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// The Ilgpu suite's tiny cases of the detection ops (CIoU, IoU matrix, DFL, assigner metrics, ranked NMS, batch
// augmentation), with the naive references as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddTinyDetection(List<OpCase> list)
    {
        void Tiny(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase("tiny " + name, covers, true, run));

        Tiny("ciou and iou matrix(2x4x3, degenerate)", ["Ciou", "CiouBackward", "BoxIouMatrix"], t =>
        {
            const int outer = 2, inner = 3;
            var p = TinyBoxes(outer, inner, 300);
            var q = TinyBoxes(outer, inner, 301);
            var g = Rand(outer * inner, 302);
            t.Both("ciou", b =>
            {
                var sp = t.Put(b, p);
                var sq = t.Put(b, q);
                var y = t.Alloc(b, outer * inner);
                Det(b).Ciou(sp, sq, y, outer, inner, BoxMath.CiouEps);
                var d = t.Alloc(b, p.Length);
                Det(b).CiouBackward(sp, sq, t.Put(b, g), d, outer, inner, BoxMath.CiouEps);
                return new[] { OpContext.Get(b, y), OpContext.Get(b, d) };
            }, Tolerances.Reduction, () =>
            [
                ReferenceBox.Ciou(p, q, outer, inner, BoxMath.CiouEps),
                ReferenceBox.CiouBackward(p, q, g, outer, inner, BoxMath.CiouEps),
            ]);
            t.Both("iou matrix", b =>
            {
                var y = t.Alloc(b, 6 * 6);
                Det(b).BoxIouMatrix(t.Put(b, p), t.Put(b, q), y, 6, 6);
                return new[] { OpContext.Get(b, y) };
            }, Tolerances.Elementwise, () => [ReferenceBox.IouMatrix(p, q, 6, 6)]);
        });
        Tiny("dfl(2x5x3, NaN target at weight 0)", ["DflDecode", "DflDecodeBackward", "DflLoss", "DflLossBackward"], t =>
        {
            const int outer = 2, bins = 5, inner = 3;
            var x = Rand(outer * bins * inner, 310, -3f, 3f);
            var dd = Rand(outer * inner, 311);
            float[] target = { 0.3f, 3.99f, float.NaN, -1f, 2.5f, 7f };
            float[] weight = { 1f, 0.5f, 0f, 2f, 1f, 0.25f };
            t.Both("dfl", b =>
            {
                var sx = t.Put(b, x);
                var dist = t.Alloc(b, outer * inner);
                Det(b).DflDecode(sx, dist, outer, bins, inner);
                var dx = t.Alloc(b, x.Length);
                Det(b).DflDecodeBackward(sx, t.Put(b, dd), dx, outer, bins, inner);
                var st = t.Put(b, target);
                var sw = t.Put(b, weight);
                var loss = t.Alloc(b, outer * inner);
                Det(b).DflLoss(sx, st, sw, loss, outer, bins, inner);
                var dl = t.Alloc(b, x.Length);
                Det(b).DflLossBackward(sx, st, sw, t.Put(b, dd), dl, outer, bins, inner);
                return new[] { OpContext.Get(b, dist), OpContext.Get(b, dx), OpContext.Get(b, loss), OpContext.Get(b, dl) };
            }, Tolerances.Reduction, () =>
            {
                var (dist, dx) = ReferenceBox.DflDecode(x, dd, outer, bins, inner);
                var (loss, dl) = ReferenceBox.DflLoss(x, target, weight, dd, outer, bins, inner);
                return [dist, dx, loss, dl];
            });
        });
        Tiny("assigner_metrics(b2,g2,a9,nc3)", ["AssignerMetrics"], t =>
        {
            const int batch = 2, maxGts = 2, a = 9, nc = 3;
            var anchors = new float[2 * a];
            for (int k = 0; k < a; k++)
            {
                anchors[k] = 4f + 8f * (k % 3);
                anchors[a + k] = 4f + 8f * (k / 3);
            }
            var pred = new float[batch * 4 * a];
            var off = Rand(batch * 4 * a, 320, 1f, 6f);
            for (int i = 0; i < batch; i++)
                for (int k = 0; k < a; k++)
                    for (int c = 0; c < 4; c++)
                        pred[(i * 4 + c) * a + k] = (c % 2 == 0 ? anchors[k] : anchors[a + k]) + (c < 2 ? -off[(i * 4 + c) * a + k] : off[(i * 4 + c) * a + k]);
            float[] gt = { 0, 0, 14, 14, 6, 2, 22, 20, 1, 1, 23, 23, 0, 0, 0, 0 };
            int[] cls = { 0, 2, 1, 0 };
            int[] counts = { 2, 1 };
            var scores = Rand(batch * nc * a, 321, 0f, 1f);
            t.Both("assigner metrics", b =>
            {
                var inside = t.Alloc(b, batch * maxGts * a, DType.Int32);
                var overlap = t.Alloc(b, batch * maxGts * a);
                var metric = t.Alloc(b, batch * maxGts * a);
                Det(b).AssignerMetrics(t.Put(b, scores), t.Put(b, pred), t.Put(b, anchors), t.Put(b, gt), t.Put(b, cls), t.Put(b, counts), inside, overlap, metric,
                    batch, maxGts, a, nc, 0.5f, 6f, 1e-9f);
                return new[] { OpContext.GetInts(b, inside).Select(v => (float)v).ToArray(), OpContext.Get(b, overlap), OpContext.Get(b, metric) };
            }, Tolerances.AssignerMetric);
        });
        Tiny("nms_ranked(n=70, classes, maxKeep)", ["NmsRanked"], t =>
        {
            const int n = 70;
            var u = Rand(4 * n, 300, 0f, 1f);
            var boxes = new float[4 * n];
            for (int i = 0; i < n; i++)
            {
                float x = 30 * (i % 3) + 4 * u[4 * i], y = 8 * u[4 * i + 1], w = 20 + 10 * u[4 * i + 2], hh = 20 + 10 * u[4 * i + 3];
                if (i % 11 == 5) { w = 0; hh = 0; x = 40; y = 5; }        // the same point again and again
                if (i % 13 == 7) { w = 25; hh = 0; }                       // a line
                boxes[4 * i] = x; boxes[4 * i + 1] = y; boxes[4 * i + 2] = x + w; boxes[4 * i + 3] = y + hh;
                if (i % 9 == 4) Array.Copy(boxes, 4 * (i - 1), boxes, 4 * i, 4);   // identical to the previous rank
            }
            var classes = new int[n];
            for (int i = 0; i < n; i++) classes[i] = (i * 7) % 3;
            foreach (var (useClasses, cut, maxKeep, count) in new[] { (false, 0.5f, n, n), (true, 0.3f, n, n), (false, 0f, n, n), (true, 0.5f, 4, n), (false, 0.5f, 1, 1), (false, 0.5f, 5, 0) })
            {
                var expected = ReferenceRankedNms.Keep(boxes, useClasses ? classes : null, count, cut, maxKeep);
                int[] Run(IBackend b)
                {
                    var bs = t.Put(b, boxes);
                    var cs = useClasses ? t.Put(b, classes) : null;
                    var keep = t.Alloc(b, Math.Max(1, Math.Min(count, maxKeep)), DType.Int32);
                    var kc = t.Alloc(b, 1, DType.Int32);
                    Det(b).NmsRanked(bs, cs, count, cut, maxKeep, keep, kc);
                    int k = OpContext.GetInts(b, kc, 1)[0];
                    return OpContext.GetInts(b, keep, k);
                }
                string what = $"nms classes={useClasses} cut={cut} maxKeep={maxKeep} n={count}";
                OpContext.Same(Run(t.Cpu), expected, what + " cpu vs reference");
                if (!t.IsCpuRow) OpContext.Same(Run(t.Device), expected, what + " device vs reference");
                t.Check([], [], Tolerances.Exact, what);   // counts as the reference check it is
            }
        });
        Tiny("augment(5 images, bitwise)", ["AugmentBatch"], t =>
        {
            const int w0 = 13, h0 = 11, w1 = 9, h1 = 14, outW = 10, outH = 7;
            var u = Rand(3 * (w0 * h0 + w1 * h1), 120, 0f, 256f);
            var bytes = u.Select(v => (byte)Math.Min(255, (int)v)).ToArray();
            for (int p = 0; p < 8; p++) bytes[3 * p] = bytes[3 * p + 1] = bytes[3 * p + 2];   // grey pixels: s = 0 in HSV
            var ints = new int[(bytes.Length + 3) / 4];
            bytes.CopyTo(MemoryMarshal.AsBytes(ints.AsSpan()));
            long off1 = 3L * w0 * h0;
            WarpSource A(double[] m, bool p) => AugmentMath.Source(0, w0, h0, m, p);
            WarpSource B(double[] m, bool p) => AugmentMath.Source(off1, w1, h1, m, p);
            double[] affine = [0.81, 0.13, 1.7, -0.2, 0.77, 2.25, 0, 0, 1];
            double[] persp = [1.1, 0.05, -3, -0.04, 0.95, 1, 0.011, -0.017, 1];
            double[] outside = [1, 0, -4.5, 0, 1, 3.3, 0, 0, 1];
            double[] singular = [1, 2, 3, 2, 4, 6, 0, 0, 1];
            AugmentImage[] rows =
            [
                new(A(affine, false)),
                new(B(persp, true), FlipLR: true),
                new(A(outside, false), B(affine, false), MixRatio: 0.47, FlipUD: true),
                new(B(outside, true), A(persp, true), MixRatio: 0.61, Hsv: true, HueGain: 0.013f, SatGain: -0.6f, ValGain: 0.35f, FlipLR: true, FlipUD: true),
                new(A(singular, true), Hsv: true, HueGain: -0.4f, SatGain: 0.8f, ValGain: -0.2f),
            ];
            t.Both("augment_batch", b =>
            {
                var src = t.Put(b, ints);
                var y = t.Alloc(b, (long)rows.Length * 3 * outH * outW);
                Det(b).AugmentBatch(src, rows, y, outH, outW);
                return new[] { OpContext.Get(b, y) };
            }, Tolerances.Exact, () => [ReferenceAugment.AugmentBatch(bytes, [.. rows.Select(ToReference)], outH, outW)]);
        });
    }

    /// <summary>xyxy boxes [outer, 4, inner]: random, one zero-width and one point box.</summary>
    private static float[] TinyBoxes(int outer, int inner, ulong seed)
    {
        var u = Rand(outer * 4 * inner, seed, 0f, 10f);
        var r = new float[u.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int at = o * 4 * inner + i, k = o * inner + i;
                float x1 = u[at], y1 = u[at + inner];
                float w = k == 1 ? 0f : 0.5f + u[at + 2 * inner] * 0.5f, h = k == 2 ? 0f : 0.5f + u[at + 3 * inner] * 0.5f;
                if (k == 2) w = 0f;
                r[at] = x1;
                r[at + inner] = y1;
                r[at + 2 * inner] = x1 + w;
                r[at + 3 * inner] = y1 + h;
            }
        return r;
    }
}
