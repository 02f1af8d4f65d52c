using VisionCuda.Reference;
using VisionCuda.Training.Detect.Nms;
using NmsOps = VisionCuda.Training.Detect.Nms.Nms;

namespace VisionCuda.Training.Tests.Detect.Nms;

// The fast Cpu NMS against the naive oracle on many random inputs (ties, zero-area and identical boxes,
// negative coordinates, every vector tail length, thresholds from below 0 to 1).
public class NmsOracleTests
{
    private static (float[] Boxes, float[] Scores) RandomSet(System.Random rng, int n, float extent, float maxSize, int scoreLevels)
    {
        var boxes = new float[4 * n];
        var scores = new float[n];
        for (int i = 0; i < n; i++)
        {
            int kind = rng.Next(10);
            if (kind == 0 && i > 0)
            {
                int j = rng.Next(i);                        // an identical copy of an earlier box
                Array.Copy(boxes, 4 * j, boxes, 4 * i, 4);
            }
            else
            {
                float x = (float)(rng.NextDouble() * extent - extent / 4), y = (float)(rng.NextDouble() * extent - extent / 4);
                float w = kind == 1 ? 0f : (float)(rng.NextDouble() * maxSize);   // some zero-width boxes
                float h = kind == 2 ? 0f : (float)(rng.NextDouble() * maxSize);
                boxes[4 * i] = x; boxes[4 * i + 1] = y; boxes[4 * i + 2] = x + w; boxes[4 * i + 3] = y + h;
            }
            scores[i] = scoreLevels > 0 ? rng.Next(scoreLevels) / (float)scoreLevels : (float)rng.NextDouble();
        }
        return (boxes, scores);
    }

    [Fact]
    public void FastNmsMatchesReferenceOnRandomSets()
    {
        var rng = new System.Random(1234);
        double[] thresholds = { -0.1, 0.0, 0.1, 0.3, 0.45, 0.5, 0.6, 0.7, 0.9, 1.0 };
        for (int trial = 0; trial < 300; trial++)
        {
            int n = trial < 40 ? trial : rng.Next(1, 600);
            var (b, s) = RandomSet(rng, n, extent: 100 + rng.Next(400), maxSize: 20 + rng.Next(150), scoreLevels: rng.Next(3) == 0 ? 5 : 0);
            double t = thresholds[trial % thresholds.Length];
            Assert.Equal(ReferenceNms.Nms(b, s, t), NmsOps.Run(b, s, t));
        }
    }

    [Fact]
    public void GridPathMatchesReferenceOnMixedSizesClustersAndOddBoxes()
    {
        // n >= RankedNms.GridMinBoxes (256) takes the grid path: mix tiny, typical and huge boxes (the big list), dense
        // clusters, inverted boxes (x2 < x1), lines, points and exact copies.
        var rng = new System.Random(4321);
        foreach (int n in new[] { 256, 300, 1200, 2500 })
            for (int rep = 0; rep < 3; rep++)
            {
                var boxes = new float[4 * n];
                var scores = new float[n];
                for (int i = 0; i < n; i++)
                {
                    int kind = rng.Next(20);
                    float cx = kind < 8 ? 200 + (float)(rng.NextDouble() * 20) : (float)(rng.NextDouble() * 1000 - 100);
                    float cy = kind < 8 ? 300 + (float)(rng.NextDouble() * 20) : (float)(rng.NextDouble() * 800);
                    float w = kind switch { 8 => 0f, 9 => -5f, 10 => 600f + (float)(rng.NextDouble() * 400), 11 => 0.01f, _ => 5 + (float)(rng.NextDouble() * 90) };
                    float h = kind switch { 8 => 0f, 12 => 0f, 13 => -3f, 10 => 300f, _ => 5 + (float)(rng.NextDouble() * 90) };
                    boxes[4 * i] = cx - w / 2; boxes[4 * i + 1] = cy - h / 2; boxes[4 * i + 2] = cx + w / 2; boxes[4 * i + 3] = cy + h / 2;
                    if (kind == 14 && i > 0) Array.Copy(boxes, 4 * rng.Next(i), boxes, 4 * i, 4);
                    scores[i] = rep == 1 ? rng.Next(7) / 7f : (float)rng.NextDouble();
                }
                foreach (double t in new[] { 0.0, 0.25, 0.5, 0.7, 0.95 })
                    Assert.Equal(ReferenceNms.Nms(boxes, scores, t), NmsOps.Run(boxes, scores, t));
            }
    }

    [Fact]
    public void BatchedMatchesReferenceOnBothTorchvisionPaths()
    {
        var rng = new System.Random(99);
        foreach (int n in new[] { 1, 7, 250, 1000, 1001, 1800 })
            for (int rep = 0; rep < 3; rep++)
            {
                var (b, s) = RandomSet(rng, n, 300, 80, rep == 0 ? 10 : 0);
                var cls = Enumerable.Range(0, n).Select(_ => rng.Next(1 + rep * 3)).ToArray();
                double t = 0.3 + 0.2 * rep;
                Assert.Equal(ReferenceNms.BatchedNms(b, s, cls, t), NmsOps.Batched(b, s, cls, t));
            }
    }

    [Fact]
    public void PerClassEqualsNmsOnEachClassMergedByScore()
    {
        var rng = new System.Random(5);
        var (b, s) = RandomSet(rng, 500, 200, 60, 8);
        var cls = Enumerable.Range(0, 500).Select(_ => rng.Next(4)).ToArray();
        var expected = new List<int>();
        for (int c = 0; c < 4; c++)
        {
            var members = Enumerable.Range(0, 500).Where(i => cls[i] == c).ToArray();
            var kb = members.SelectMany(i => b.Skip(4 * i).Take(4)).ToArray();
            var ks = members.Select(i => s[i]).ToArray();
            expected.AddRange(ReferenceNms.Nms(kb, ks, 0.5).Select(k => members[k]));
        }
        var ordered = expected.OrderByDescending(i => s[i]).ThenBy(i => i).ToArray();
        Assert.Equal(ordered, NmsOps.PerClass(b, s, cls, 0.5));
    }

    [Fact]
    public void BenchmarkSetFastEqualsReference()
    {
        var (b, s) = ReferenceNms.BenchmarkSet(3000, 777);
        Assert.Equal(ReferenceNms.Nms(b, s, 0.5), NmsOps.Run(b, s, 0.5f));
    }

    [Fact]
    public void RankByScoreIsStableDescending()
    {
        float[] s = { 0.5f, 0.9f, 0.5f, -0f, 0f, 0.9f, -1f, float.NaN };
        Assert.Equal(new[] { 7, 1, 5, 0, 2, 3, 4, 6 }, NmsOps.RankByScore(s));
        Assert.Equal(ReferenceNms.RankByScore(s), NmsOps.RankByScore(s));
    }

    [Fact]
    public void RejectsMismatchedLengths()
    {
        Assert.Throws<ArgumentException>(() => NmsOps.Run(new float[7], new float[2], 0.5f));
        Assert.Throws<ArgumentException>(() => NmsOps.Batched(new float[8], new float[2], new int[3], 0.5f));
        Assert.Empty(NmsOps.Run(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, 0.5f));
    }
}
