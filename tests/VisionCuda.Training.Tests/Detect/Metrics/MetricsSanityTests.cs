using VisionCuda.Training.Detect.Metrics;
using VisionCuda.Training.Detect.Nms;

namespace VisionCuda.Training.Tests.Detect.Metrics;

public class MetricsSanityTests
{
    private static GroundTruthBox Gt(int c, float x) => new(c, x, 0, x + 10, 10);
    private static Detection Det(int c, float x, float score) => new(x, 0, x + 10, 10, score, c);

    [Fact]
    public void PerfectPredictionsGiveOnes()
    {
        var m = new DetectionMetrics(2);
        m.Add(new[] { Det(0, 0, 0.9f), Det(1, 20, 0.8f) }, new[] { Gt(0, 0), Gt(1, 20) });
        m.Add(new[] { Det(1, 50, 0.7f) }, new[] { Gt(1, 50) });
        var r = m.Compute();
        Assert.Equal(1.0, r.MAP50, 12);
        Assert.Equal(1.0, r.MAP5095, 12);
        Assert.Equal(1.0, r.Precision, 6);
        Assert.Equal(1.0, r.Recall, 6);
        Assert.Equal(1.0, r.Fitness, 12);
        Assert.Equal(new[] { 1, 2 }, r.GroundTruthCount);
    }

    [Fact]
    public void LowScoreFalsePositivesDoNotLowerPrecisionAtMaxF1()
    {
        // Every gt found at 0.9; a false positive per image at 0.3. The F1 peak lies between them. As in Ultralytics,
        // the precision curve is interpolated linearly in confidence between the points (1 at 0.9, 0.8 at 0.3) and
        // the F1 curve is smoothed, so the peak sits a little below 0.9 with P slightly under 1.
        var m = new DetectionMetrics(1);
        for (int i = 0; i < 4; i++)
            m.Add(new[] { Det(0, 0, 0.9f), Det(0, 100, 0.3f) }, new[] { Gt(0, 0) });
        var r = m.Compute();
        Assert.InRange(r.Precision, 0.97, 1.0);
        Assert.Equal(1.0, r.Recall, 6);
        Assert.InRange(r.MaxF1Confidence, 0.3, 0.9);
        Assert.Equal(1.0, r.MAP50, 12);   // AP ignores low-score FPs after full recall
    }

    [Fact]
    public void HalfTheObjectsMissed()
    {
        var m = new DetectionMetrics(1);
        for (int i = 0; i < 4; i++)
            m.Add(new[] { Det(0, 0, 0.8f) }, new[] { Gt(0, 0), Gt(0, 50) });
        var r = m.Compute();
        Assert.Equal(1.0, r.Precision, 6);
        Assert.Equal(0.5, r.Recall, 6);
        Assert.Equal(51.0 / 101.0, r.MAP50, 12);   // precision 1 up to recall 0.5: 51 of the 101 points
    }

    [Fact]
    public void HighScoreFalsePositivesLowerPrecision()
    {
        // each image: an FP at 0.9 and the true box at 0.8 -> at any confidence the class has P = 0.5 (or nothing)
        var m = new DetectionMetrics(1);
        for (int i = 0; i < 4; i++)
            m.Add(new[] { Det(0, 100, 0.9f), Det(0, 0, 0.8f) }, new[] { Gt(0, 0) });
        var r = m.Compute();
        Assert.Equal(0.5, r.Precision, 2);
        Assert.Equal(1.0, r.Recall, 6);
    }

    [Fact]
    public void NoPredictionsAndClassesWithoutGroundTruth()
    {
        var m = new DetectionMetrics(3);
        m.Add(Array.Empty<Detection>(), new[] { Gt(0, 0) });
        m.Add(new[] { Det(2, 0, 0.9f) }, Array.Empty<GroundTruthBox>());
        var r = m.Compute();
        Assert.Equal(0.0, r.MAP50);
        Assert.Equal(0.0, r.Precision);
        Assert.Equal(0.0, r.Recall);
        Assert.Equal(0.0, r.PerClassAP50[0]);
        Assert.True(double.IsNaN(r.PerClassAP50[1]));
        Assert.True(double.IsNaN(r.PerClassAP5095[2]));
        Assert.Equal(2, r.Images);
        m.Reset();
        Assert.Equal(0, m.ImageCount);
        Assert.Equal(0.0, m.Compute().MAP5095);
    }

    [Fact]
    public void FlatRowOverloadEqualsRecords()
    {
        var a = new DetectionMetrics(2);
        a.Add(new[] { Det(0, 0, 0.9f), Det(1, 3, 0.4f) }, new[] { Gt(0, 1), Gt(1, 3) });
        var b = new DetectionMetrics(2);
        b.Add(new float[] { 0, 0, 10, 10, 0.9f, 0, 3, 0, 13, 10, 0.4f, 1 }, new float[] { 0, 1, 0, 11, 10, 1, 3, 0, 13, 10 });
        Assert.Equal(a.Compute().MAP5095, b.Compute().MAP5095);
        Assert.Throws<ArgumentException>(() => b.Add(new[] { Det(2, 0, 0.5f) }, Array.Empty<GroundTruthBox>()));
    }

    [Fact]
    public void ConfusionMatrixHandCase()
    {
        var m = new DetectionMetrics(2);
        m.Add(new[]
        {
            new Detection(0, 0, 10, 10, 0.9f, 0),        // matches gt A (cls 0): correct
            new Detection(20, 20, 30, 30, 0.8f, 0),      // matches gt B (cls 1): wrong class
            new Detection(1, 1, 10, 10, 0.7f, 0),        // overlaps A, already taken by a better IoU: background FP
            new Detection(100, 100, 110, 110, 0.95f, 1), // nothing there: background FP
            new Detection(50, 50, 60, 60, 0.2f, 0),      // below conf 0.25: ignored, so gt C is missed
        }, new[]
        {
            new GroundTruthBox(0, 0, 0, 10, 10), new GroundTruthBox(1, 20, 20, 30, 30), new GroundTruthBox(0, 50, 50, 60, 60),
        });
        m.Add(new[] { new Detection(0, 0, 5, 5, 0.5f, 1) }, Array.Empty<GroundTruthBox>());   // background image: FP
        m.Add(Array.Empty<Detection>(), new[] { new GroundTruthBox(1, 0, 0, 5, 5) });        // nothing predicted: FN
        var cm = m.Compute().Confusion.Matrix;
        long[,] expected = { { 1, 1, 1 }, { 0, 0, 2 }, { 1, 1, 0 } };
        Assert.Equal(expected, cm);
        var (tp, fp) = m.Compute().Confusion.TpFp();
        Assert.Equal(new long[] { 1, 0 }, tp);
        Assert.Equal(new long[] { 2, 2 }, fp);
    }

    [Fact]
    public void CocoMatchingIsGreedyByScore()
    {
        // Two predictions on one gt: the higher score takes it even with the lower IoU; the other is an FP.
        var m = new DetectionMetrics(1);
        m.Add(new[] { new Detection(0, 0, 10, 10, 0.5f, 0), new Detection(0, 0, 10, 8, 0.9f, 0) }, new[] { Gt(0, 0) });
        var r = m.Compute();
        // at t <= 0.8 the 0.9 box (IoU 0.8) matches first: AP 1; above 0.8 it fails and the 0.5 box (IoU 1) matches
        // second: precision 0.5 from recall 0 to 1 -> AP 0.5. Thresholds 0.5..0.8 (7 of them) -> 1, 0.85..0.95 -> 0.5.
        Assert.Equal((7 * 1.0 + 3 * 0.5) / 10, r.MAP5095, 12);
    }
}
