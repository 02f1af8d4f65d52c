using VisionCuda.Training.Detect.Nms;

namespace VisionCuda.Training.Tests.Detect.Nms;

public class NonMaxSuppressionTests
{
    // Builds [B, 4 + nc, A] from per-anchor (cx, cy, w, h, scores[nc]).
    private static float[] Pack(int nc, params (float Cx, float Cy, float W, float H, float[] S)[][] images)
    {
        int a = images[0].Length;
        var p = new float[images.Length * (4 + nc) * a];
        for (int b = 0; b < images.Length; b++)
            for (int k = 0; k < a; k++)
            {
                var (cx, cy, w, h, s) = images[b][k];
                int o = b * (4 + nc) * a;
                p[o + k] = cx; p[o + a + k] = cy; p[o + 2 * a + k] = w; p[o + 3 * a + k] = h;
                for (int c = 0; c < nc; c++) p[o + (4 + c) * a + k] = s[c];
            }
        return p;
    }

    private static readonly (float, float, float, float, float[])[] Image0 =
    {
        (50, 50, 20, 20, new[] { 0.9f, 0.1f }),    // 0: class 0
        (51, 50, 20, 20, new[] { 0.8f, 0.2f }),    // 1: class 0, IoU ~0.9 with 0 -> suppressed
        (50, 51, 20, 20, new[] { 0.1f, 0.85f }),   // 2: class 1, overlaps 0 but other class -> kept
        (200, 200, 10, 30, new[] { 0.3f, 0.05f }), // 3: class 0, alone
        (300, 300, 10, 10, new[] { 0.2f, 0.24f }), // 4: best 0.24 < conf 0.25 -> dropped
        (100, 20, 8, 4, new[] { 0.6f, 0.6f }),     // 5: tie -> the first class (0)
    };

    [Fact]
    public void ConfFilterPerClassNmsAndOrdering()
    {
        var p = Pack(2, Image0, Image0.Select(x => (x.Item1, x.Item2, x.Item3, x.Item4, new[] { 0f, 0f })).ToArray());
        var dets = NonMaxSuppression.Apply(p, batch: 2, nc: 2, anchors: 6, conf: 0.25f, iou: 0.7f);
        Assert.Equal(2, dets.Length);
        Assert.Empty(dets[1]);
        Assert.Equal(new[] { 0.9f, 0.85f, 0.6f, 0.3f }, dets[0].Select(d => d.Score));
        Assert.Equal(new[] { 0, 1, 0, 0 }, dets[0].Select(d => d.Class));
        Assert.Equal(new Detection(40, 40, 60, 60, 0.9f, 0), dets[0][0]);
        Assert.Equal(new Detection(195, 185, 205, 215, 0.3f, 0), dets[0][3]);
    }

    [Fact]
    public void AgnosticSuppressesAcrossClasses()
    {
        var dets = NonMaxSuppression.Apply(Pack(2, Image0), 1, 2, 6, conf: 0.25f, iou: 0.7f, agnostic: true)[0];
        Assert.Equal(new[] { 0.9f, 0.6f, 0.3f }, dets.Select(d => d.Score));
    }

    [Fact]
    public void MultiLabelKeepsEveryClassAboveConf()
    {
        var dets = NonMaxSuppression.Apply(Pack(2, Image0), 1, 2, 6, conf: 0.25f, iou: 0.7f, multiLabel: true)[0];
        // anchor 5 appears twice (0.6 for class 0 and class 1)
        Assert.Equal(new[] { 0.9f, 0.85f, 0.6f, 0.6f, 0.3f }, dets.Select(d => d.Score));
        Assert.Equal(new[] { 0, 1, 0, 1, 0 }, dets.Select(d => d.Class));
    }

    [Fact]
    public void MaxDetAndMaxNms()
    {
        var p = Pack(2, Image0);
        Assert.Equal(new[] { 0.9f, 0.85f }, NonMaxSuppression.Apply(p, 1, 2, 6, 0.25f, 0.7f, maxDet: 2)[0].Select(d => d.Score));
        // maxNms 2: only the two best candidates (0.9 class 0 and 0.85 class 1) reach NMS
        Assert.Equal(new[] { 0.9f, 0.85f }, NonMaxSuppression.Apply(p, 1, 2, 6, 0.25f, 0.7f, maxNms: 2)[0].Select(d => d.Score));
        Assert.Empty(NonMaxSuppression.Apply(p, 1, 2, 6, 0.95f, 0.7f)[0]);
    }

    [Fact]
    public void TensorOverloadMatchesSpan()
    {
        var p = Pack(2, Image0);
        using var t = Tensor.FromArray(p, new[] { 1, 6, 6 });
        Assert.Equal(NonMaxSuppression.Apply(p, 1, 2, 6), NonMaxSuppression.Apply(t));
        Assert.Throws<ArgumentException>(() => NonMaxSuppression.Apply(p, 1, 2, 5));
    }
}
