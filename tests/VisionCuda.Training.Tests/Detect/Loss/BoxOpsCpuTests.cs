using VisionCuda.Backends;
using VisionCuda.Random;
using VisionCuda.TestSupport;
using VisionCuda.Training.Detect.Loss;

namespace VisionCuda.Training.Tests.Detect.Loss;

// The Cpu backend's fused box ops against the independent forms they replaced in the loss: the composed F-op CIoU
// (BoxIou.Ciou) and DFL (softmax * bins, CrossEntropy twice: DflLoss.Terms), and naive loops; and the assigner fed by
// the metrics op against the host assigner (TaskAlignedAssigner.Assign).
public sealed class BoxOpsCpuTests
{
    private static float[] Uniform(int n, ulong seed, float lo, float hi)
    {
        var a = new float[n];
        Philox.FillUniform(a, Philox.Key(seed), 0, lo, hi);
        return a;
    }

    /// <summary>Boxes [b, 4, a] with positive sizes (no exact edge ties with another random set).</summary>
    private static float[] Boxes(int b, int a, ulong seed)
    {
        var u = Uniform(b * 4 * a, seed, 0f, 1f);
        var r = new float[u.Length];
        for (int i = 0; i < b; i++)
            for (int k = 0; k < a; k++)
            {
                int at = i * 4 * a + k;
                float x1 = u[at] * 20f, y1 = u[at + a] * 20f;
                r[at] = x1;
                r[at + a] = y1;
                r[at + 2 * a] = x1 + 0.5f + u[at + 2 * a] * 8f;
                r[at + 3 * a] = y1 + 0.5f + u[at + 3 * a] * 8f;
            }
        return r;
    }

    private static Tensor Coord(Tensor boxes, int c) => F.Narrow(boxes, 1, c, 1);

    [Fact]
    public void CiouMatchesComposedOpsAndHostFormula()
    {
        const int b = 3, a = 37;
        var pd = Boxes(b, a, 1);
        var td = Boxes(b, a, 2);
        var pred = Tensor.FromArray(pd, new[] { b, 4, a }, requiresGrad: true);
        var target = Tensor.FromArray(td, new[] { b, 4, a });
        var w = Tensor.FromArray(Uniform(b * a, 3, 0.5f, 1.5f), new[] { b, a });

        var fused = F.Ciou(pred, target);
        F.Sum(fused * w).Backward();
        var gFused = pred.Grad!.ToArray();
        pred.ZeroGrad();
        var composed = F.Reshape(BoxIou.Ciou(new BoxTensors(Coord(pred, 0), Coord(pred, 1), Coord(pred, 2), Coord(pred, 3)),
                                             new BoxTensors(Coord(target, 0), Coord(target, 1), Coord(target, 2), Coord(target, 3))), b, a);
        F.Sum(composed * w).Backward();
        // the composed form's atan is a polynomial good to ~2e-7; the fused op uses MathF.Atan
        Close.AssertAllClose(composed.ToArray(), fused.ToArray(), 1e-5, 1e-6, "fused vs composed ciou");
        Close.AssertAllClose(pred.Grad!.ToArray(), gFused, 1e-4, 1e-5, "fused vs composed d ciou / d pred");

        var host = new float[b * a];
        for (int i = 0; i < b; i++)
            for (int k = 0; k < a; k++)
            {
                int at = i * 4 * a + k;
                host[i * a + k] = BoxIou.CiouHost(pd[at], pd[at + a], pd[at + 2 * a], pd[at + 3 * a], td[at], td[at + a], td[at + 2 * a], td[at + 3 * a]);
            }
        Close.AssertAllClose(host, fused.ToArray(), 0, 0, "fused vs CiouHost (bitwise)");
    }

    [Fact]
    public void CiouOfDegenerateBoxesIsFinite()
    {
        // zero width, zero height, a point, identical boxes: no NaN in the value or the gradient
        float[] p = { 1, 1, 1, 1, 0, 2, 3, 2, 5, 5, 5, 5, 0, 0, 2, 2 };   // [4, 4] rows x1 y1 x2 y2
        float[] q = { 0, 0, 2, 3, 0, 2, 3, 2, 1, 1, 4, 4, 0, 0, 2, 2 };
        var pred = Tensor.FromArray(p, new[] { 4, 4 }, requiresGrad: true);
        var c = F.Ciou(pred, Tensor.FromArray(q, new[] { 4, 4 }));
        F.Sum(c).Backward();
        Assert.All(c.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.All(pred.Grad!.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, c.ToArray()[3], 5);   // identical boxes
    }

    [Fact]
    public void IouMatrixMatchesNaiveLoop()
    {
        var a = Boxes(1, 13, 4);
        var b = Boxes(1, 9, 5);
        // [1, 4, n] -> [n, 4]
        float[] Rows(float[] x, int n) => Enumerable.Range(0, 4 * n).Select(i => x[(i % 4) * n + i / 4]).ToArray();
        var ra = Rows(a, 13);
        var rb = Rows(b, 9);
        ra[0] = 3; ra[1] = 3; ra[2] = 3; ra[3] = 3;   // an empty box: iou 0 with the others
        var y = F.BoxIou(Tensor.FromArray(ra, new[] { 13, 4 }), Tensor.FromArray(rb, new[] { 9, 4 })).ToArray();
        var e = new float[13 * 9];
        for (int i = 0; i < 13; i++)
            for (int j = 0; j < 9; j++)
            {
                double iw = Math.Max(0, Math.Min(ra[4 * i + 2], rb[4 * j + 2]) - Math.Max(ra[4 * i], rb[4 * j]));
                double ih = Math.Max(0, Math.Min(ra[4 * i + 3], rb[4 * j + 3]) - Math.Max(ra[4 * i + 1], rb[4 * j + 1]));
                double aa = (ra[4 * i + 2] - ra[4 * i]) * (double)(ra[4 * i + 3] - ra[4 * i + 1]);
                double ab = (rb[4 * j + 2] - rb[4 * j]) * (double)(rb[4 * j + 3] - rb[4 * j + 1]);
                e[i * 9 + j] = (float)(iw * ih / (aa + ab - iw * ih));
            }
        Close.AssertAllClose(e, y, 1e-5, 1e-7, "iou matrix");
    }

    [Fact]
    public void DflDecodeMatchesComposedSoftmax()
    {
        const int n = 8, r = 16, a = 29;
        var x = Tensor.FromArray(Uniform(n * r * a, 6, -4f, 4f), new[] { n, r, a }, requiresGrad: true);
        var g = Tensor.FromArray(Uniform(n * a, 7, -1f, 1f), new[] { n, a });
        var fused = F.DflDecode(x);
        F.Sum(fused * g).Backward();
        var gFused = x.Grad!.ToArray();
        x.ZeroGrad();
        var proj = Tensor.FromArray(Enumerable.Range(0, r).Select(i => (float)i).ToArray(), new[] { 1, r, 1 });
        var composed = F.Sum(F.Mul(F.Softmax(x, 1), proj), 1);
        F.Sum(composed * g).Backward();
        Close.AssertAllClose(composed.ToArray(), fused.ToArray(), 1e-5, 1e-5, "dfl decode");
        Close.AssertAllClose(x.Grad!.ToArray(), gFused, 1e-4, 1e-5, "dfl decode backward");
    }

    [Fact]
    public void DflLossMatchesCrossEntropyTwice()
    {
        const int n = 8, r = 16, a = 29;
        var x = Tensor.FromArray(Uniform(n * r * a, 8, -4f, 4f), new[] { n, r, a }, requiresGrad: true);
        var dist = Uniform(n * a, 9, -0.5f, r + 0.5f);
        var scale = Uniform(n * a, 10, 0.1f, 1f);
        var targets = new DflTargets(n * a);
        var weight = new float[n * a];
        for (int i = 0; i < n * a; i++)
        {
            if (i % 4 == 1) { dist[i] = float.NaN; continue; }   // ignored: weight 0, left at the ignore index
            targets.Set(i, dist[i], r, scale[i]);
            weight[i] = scale[i];
        }
        var fused = F.DflLoss(x, Tensor.FromArray(dist, new[] { n, a }), Tensor.FromArray(weight, new[] { n, a }));
        F.Sum(fused).Backward();
        var gFused = x.Grad!.ToArray();
        x.ZeroGrad();
        var composed = DflLoss.Terms(x, targets, new[] { n, a });
        F.Sum(composed).Backward();
        Close.AssertAllClose(composed.ToArray(), fused.ToArray(), 1e-4, 1e-5, "dfl loss");
        Close.AssertAllClose(x.Grad!.ToArray(), gFused, 1e-4, 1e-5, "dfl loss backward");
        Assert.All(gFused, v => Assert.True(float.IsFinite(v)));
    }

    /// <summary>CIoU in double precision, straight from the definition (eps 1e-7 as YOLOv8).</summary>
    private static double CiouDouble(double ax1, double ay1, double ax2, double ay2, double bx1, double by1, double bx2, double by2)
    {
        const double eps = 1e-7;
        double w1 = ax2 - ax1, h1 = ay2 - ay1 + eps, w2 = bx2 - bx1, h2 = by2 - by1 + eps;
        double inter = Math.Max(Math.Min(ax2, bx2) - Math.Max(ax1, bx1), 0) * Math.Max(Math.Min(ay2, by2) - Math.Max(ay1, by1), 0);
        double iou = inter / (w1 * h1 + w2 * h2 - inter + eps);
        double cw = Math.Max(ax2, bx2) - Math.Min(ax1, bx1), ch = Math.Max(ay2, by2) - Math.Min(ay1, by1);
        double rho2 = (Math.Pow(bx1 + bx2 - ax1 - ax2, 2) + Math.Pow(by1 + by2 - ay1 - ay2, 2)) / 4;
        double v = 4 / (Math.PI * Math.PI) * Math.Pow(Math.Atan(w2 / h2) - Math.Atan(w1 / h1), 2);
        double alpha = v / (v - iou + 1 + eps);
        return iou - (rho2 / (cw * cw + ch * ch + eps) + v * alpha);
    }

    [Fact]
    public void AssignerFromMetricsOpEqualsHostAssigner()
    {
        const int b = 2, g = 4, nc = 3, side = 12, stride = 8;
        int a = side * side;
        var ax = new float[a];
        var ay = new float[a];
        for (int k = 0; k < a; k++)
        {
            ax[k] = (k % side + 0.5f) * stride;
            ay[k] = (k / side + 0.5f) * stride;
        }
        var scores = Uniform(b * nc * a, 11, 0f, 1f);
        var wh = Uniform(b * 4 * a, 12, 2f, 30f);
        var pred = new float[b * 4 * a];
        for (int i = 0; i < b; i++)
            for (int k = 0; k < a; k++)
            {
                int at = i * 4 * a + k;
                pred[at] = ax[k] - wh[at];
                pred[at + a] = ay[k] - wh[at + a];
                pred[at + 2 * a] = ax[k] + wh[at + 2 * a];
                pred[at + 3 * a] = ay[k] + wh[at + 3 * a];
            }
        float[] gt = { 5, 5, 40, 50, 30, 20, 90, 70, 10, 60, 35, 90, 0, 0, 0, 0, /* image 1: */ 20, 20, 80, 80, 50, 5, 95, 40, 0, 0, 0, 0, 0, 0, 0, 0 };
        int[] cls = { 0, 2, 1, 0, 1, 1, 0, 0 };
        int[] counts = { 3, 2 };
        var anchors = ax.Concat(ay).ToArray();
        var m = F.AssignerMetrics(Tensor.FromArray(scores, new[] { b, nc, a }), Tensor.FromArray(pred, new[] { b, 4, a }), Tensor.FromArray(anchors, new[] { 2, a }),
            Tensor.FromArray(gt, new[] { b, g, 4 }), Tensor.FromArray(cls, new[] { b, g }), Tensor.FromArray(counts, new[] { b }), 0.5f, 6f);
        var inside = new int[m.Inside.Numel];
        m.Inside.Backend.Download<int>(m.Inside.Storage, inside);
        var overlap = m.Overlap.ToArray();
        var metric = m.Metric.ToArray();
        // against a naive double-precision evaluation of the definitions
        for (int i = 0; i < b; i++)
            for (int r = 0; r < counts[i]; r++)
                for (int k = 0; k < a; k++)
                {
                    int at = (i * g + r) * a + k, q = 4 * (i * g + r), p0 = i * 4 * a + k;
                    bool expIn = Math.Min(Math.Min(ax[k] - gt[q], ay[k] - gt[q + 1]), Math.Min(gt[q + 2] - ax[k], gt[q + 3] - ay[k])) > 1e-9;
                    Assert.Equal(expIn ? 1 : 0, inside[at]);
                    if (!expIn) continue;
                    double ov = Math.Max(CiouDouble(gt[q], gt[q + 1], gt[q + 2], gt[q + 3], pred[p0], pred[p0 + a], pred[p0 + 2 * a], pred[p0 + 3 * a]), 0);
                    double met = Math.Sqrt(scores[(i * nc + cls[i * g + r]) * a + k]) * Math.Pow(ov, 6);
                    Assert.True(Math.Abs(overlap[at] - ov) <= 1e-6 + 1e-5 * ov, $"overlap {overlap[at]} vs {ov}");
                    Assert.True(Math.Abs(metric[at] - met) <= 1e-9 + 1e-4 * met, $"metric {metric[at]} vs {met}");
                }
        var assigner = new TaskAlignedAssigner(nc, topk: 5);
        for (int i = 0; i < b; i++)
        {
            int n = counts[i], off = i * g * a;
            var host = assigner.Assign(scores.AsSpan(i * nc * a, nc * a), pred.AsSpan(i * 4 * a, 4 * a), ax, ay, cls.AsSpan(i * g, n), gt.AsSpan(4 * i * g, 4 * n));
            var dev = assigner.AssignFromMetrics(inside.AsSpan(off, n * a), overlap.AsSpan(off, n * a), metric.AsSpan(off, n * a), a, cls.AsSpan(i * g, n), gt.AsSpan(4 * i * g, 4 * n));
            Assert.True(host.Foreground.Count(f => f) > 0, "the case must assign something");
            Assert.Equal(host.Foreground, dev.Foreground);
            Assert.Equal(host.GtIndex, dev.GtIndex);
            Assert.Equal(host.Score, dev.Score);
            // padding rows carry nothing
            for (int r = n; r < g; r++)
                Assert.All(Enumerable.Range(0, a), k => Assert.True(inside[off + r * a + k] == 0 && metric[off + r * a + k] == 0f));
        }
    }
}
