using VisionCuda.Backends;
using static VisionCuda.Ilgpu.Tests.OpHarness;

namespace VisionCuda.Ilgpu.Tests;

// Box ops (IBackend.Box.cs) on tiny shapes: device vs the Cpu backend. The Cpu backend's own formulas are checked
// against the composed F ops, CiouHost and naive loops in VisionCuda.Training.Tests (Detect/Loss/BoxOpsCpuTests).
public abstract partial class OpSuite
{
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

    [SkippableFact]
    public void CiouAndIouMatrix()
    {
        var h = H;
        const int outer = 2, inner = 3;
        var p = TinyBoxes(outer, inner, 300);
        var q = TinyBoxes(outer, inner, 301);
        var g = Rand(outer * inner, 302);
        h.Check("ciou", b =>
        {
            var sp = Put(b, p);
            var sq = Put(b, q);
            var y = b.Allocate(outer * inner);
            b.Detection().Ciou(sp, sq, y, outer, inner, BoxMath.CiouEps);
            var d = b.Allocate(p.Length);
            b.Detection().CiouBackward(sp, sq, Put(b, g), d, outer, inner, BoxMath.CiouEps);
            return new[] { Get(b, y), Get(b, d) };
        }, RedRtol, RedAtol);
        h.Check("iou matrix", b =>
        {
            var y = b.Allocate(6 * 6);
            b.Detection().BoxIouMatrix(Put(b, p), Put(b, q), y, 6, 6);
            return new[] { Get(b, y) };
        }, ElemRtol, ElemAtol);
    }

    [SkippableFact]
    public void DflDecodeAndLoss()
    {
        var h = H;
        const int outer = 2, bins = 5, inner = 3;
        var x = Rand(outer * bins * inner, 310, -3f, 3f);
        var dd = Rand(outer * inner, 311);
        float[] target = { 0.3f, 3.99f, float.NaN, -1f, 2.5f, 7f };
        float[] weight = { 1f, 0.5f, 0f, 2f, 1f, 0.25f };
        h.Check("dfl", b =>
        {
            var sx = Put(b, x);
            var dist = b.Allocate(outer * inner);
            b.Detection().DflDecode(sx, dist, outer, bins, inner);
            var dx = b.Allocate(x.Length);
            b.Detection().DflDecodeBackward(sx, Put(b, dd), dx, outer, bins, inner);
            var st = Put(b, target);
            var sw = Put(b, weight);
            var loss = b.Allocate(outer * inner);
            b.Detection().DflLoss(sx, st, sw, loss, outer, bins, inner);
            var dl = b.Allocate(x.Length);
            b.Detection().DflLossBackward(sx, st, sw, Put(b, dd), dl, outer, bins, inner);
            return new[] { Get(b, dist), Get(b, dx), Get(b, loss), Get(b, dl) };
        }, RedRtol, RedAtol);
    }

    [SkippableFact]
    public void AssignerMetrics()
    {
        var h = H;
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
        h.Check("assigner metrics", b =>
        {
            var inside = b.Allocate(batch * maxGts * a, DType.Int32);
            var overlap = b.Allocate(batch * maxGts * a);
            var metric = b.Allocate(batch * maxGts * a);
            b.Detection().AssignerMetrics(Put(b, scores), Put(b, pred), Put(b, anchors), Put(b, gt), PutI(b, cls), PutI(b, counts), inside, overlap, metric,
                batch, maxGts, a, nc, 0.5f, 6f, 1e-9f);
            return new[] { GetI(b, inside).Select(v => (float)v).ToArray(), Get(b, overlap), Get(b, metric) };
        }, RedRtol, 1e-7);   // GPU accelerators' atan/pow may differ from glibc by ulps, and ov^6 amplifies them six-fold
    }
}
