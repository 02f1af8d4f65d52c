using VisionCuda.TestSupport;
using VisionCuda.Training.Detect.Loss;

namespace VisionCuda.Training.Tests.Detect.Loss;

// CIoU (values and gradients) and DFL against the PyTorch re-implementation's goldens, and CIoU's F-op gradient
// against central finite differences.
public sealed class CiouDflTests
{
    private static BoxTensors Split(Tensor boxes)
    {
        int n = boxes.Shape[0];
        var cols = F.Split(boxes, new[] { 1, 1, 1, 1 }, 1);
        return new BoxTensors(F.Reshape(cols[0], n), F.Reshape(cols[1], n), F.Reshape(cols[2], n), F.Reshape(cols[3], n));
    }

    [Fact]
    public void CiouMatchesGoldenValuesAndGradient()
    {
        var g = DetectGolden.Load("ciou");
        var pred = g.ToTensor("pred", requiresGrad: true);
        var target = g.ToTensor("target");
        var c = BoxIou.Ciou(Split(pred), Split(target));
        Close.AssertAllClose(g.Floats("ciou"), c.ToArray(), 1e-4, 1e-5, "ciou");
        F.Sum(c * g.ToTensor("weights")).Backward();
        Close.AssertAllClose(g.Floats("grad_pred"), pred.Grad!.ToArray(), 1e-4, 1e-5, "d ciou / d pred");
    }

    [Fact]
    public void CiouHostMatchesGolden()
    {
        var g = DetectGolden.Load("ciou");
        var p = g.Floats("pred");
        var t = g.Floats("target");
        var host = Enumerable.Range(0, p.Length / 4)
            .Select(i => BoxIou.CiouHost(p[4 * i], p[4 * i + 1], p[4 * i + 2], p[4 * i + 3], t[4 * i], t[4 * i + 1], t[4 * i + 2], t[4 * i + 3]))
            .ToArray();
        Close.AssertAllClose(g.Floats("ciou"), host, 1e-4, 1e-5, "host ciou");
    }

    [Fact]
    public void CiouGradientMatchesFiniteDifferences()
    {
        // Overlapping, nested and disjoint pairs, kept away from the kinks (equal edges, zero overlap width).
        var a = new float[] { 1, 1, 5, 4, 2, 2, 9, 7, 0, 0, 3, 3, 10, 10, 12, 15, 4, 1, 6, 2.5f };
        var b = new float[] { 2, 1.5f, 6.5f, 5, 3, 3.2f, 6, 5, 5, 5, 8, 9, 10.5f, 9, 13, 14, 3.3f, 0.7f, 7, 3.1f };
        GradCheck.Check(x =>
        {
            var c = BoxIou.Ciou(Split(x[0]), Split(x[1]));
            return c;
        }, new[] { new GradCheck.Input(new[] { 5, 4 }, a), new GradCheck.Input(new[] { 5, 4 }, b) },
            step: 1e-2, rtol: 2e-2, atol: 2e-3, name: "ciou");
    }

    [Fact]
    public void AtanFromFOpsIsAccurate()
    {
        var r = Enumerable.Range(0, 400).Select(i => i * 0.05f).Append(1e4f).Append(1e-6f).ToArray();
        var y = BoxIou.AtanNonNegative(Tensor.FromArray(r, new[] { r.Length })).ToArray();
        Close.AssertAllClose(r.Select(v => (float)Math.Atan(v)).ToArray(), y, 1e-6, 3e-7, "atan");
    }

    [Fact]
    public void DflMatchesGoldenValuesAndGradient()
    {
        var g = DetectGolden.Load("dfl");
        int r = g.Param("reg_max").GetInt32();
        var shape = g.Shape("logits");   // [N, 4, R]
        int n = shape[0];
        var logits = g.ToTensor("logits", requiresGrad: true);
        var target = g.Floats("target");
        var t = new DflTargets(n * 4);
        for (int i = 0; i < n * 4; i++) t.Set(i, target[i], r);
        var terms = DflLoss.Terms(F.Reshape(logits, n * 4, r), t, new[] { n * 4 });
        var perBox = F.Mean(F.Reshape(terms, n, 4), 1);
        Close.AssertAllClose(g.Floats("dfl"), perBox.ToArray(), 1e-4, 1e-5, "dfl");
        F.Sum(perBox * g.ToTensor("weights")).Backward();
        Close.AssertAllClose(g.Floats("grad_logits"), logits.Grad!.ToArray(), 1e-4, 1e-5, "d dfl / d logits");
    }
}
