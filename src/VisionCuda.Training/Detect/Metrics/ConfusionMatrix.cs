using VisionCuda.Training.Detect.Nms;

namespace VisionCuda.Training.Detect.Metrics;

/// <summary>One ground-truth box: its class and corners in pixels.</summary>
public readonly record struct GroundTruthBox(int Class, float X1, float Y1, float X2, float Y2);

/// <summary>
/// Detection confusion matrix with Ultralytics' conventions (ConfusionMatrix.process_batch): size (nc+1)^2,
/// rows = predicted class, columns = true class, index nc = background. Per image: predictions with
/// score &gt; conf; gt/prediction pairs with IoU &gt; iou (float32, IoU = inter / (a1 + a2 - inter + 1e-7));
/// the pairs sorted by IoU descending (stable), one per prediction, then one per gt. A gt with a match counts at
/// [predicted class, true class], without at [background, true class]; an unmatched prediction at
/// [predicted class, background]. (Ultralytics 8.0 skipped that last count in images where nothing matched;
/// here it is always counted.)
/// </summary>
public sealed class ConfusionMatrix
{
    /// <summary>An empty matrix for nc classes.</summary>
    public ConfusionMatrix(int nc, float conf = 0.25f, float iou = 0.45f)
    {
        if (nc <= 0) throw new ArgumentOutOfRangeException(nameof(nc), "nc must be > 0");
        Nc = nc;
        Conf = conf;
        Iou = iou;
        Matrix = new long[nc + 1, nc + 1];
    }

    /// <summary>Number of classes (the matrix is (Nc+1) x (Nc+1), index Nc = background).</summary>
    public int Nc { get; }

    /// <summary>Confidence a prediction must exceed to count.</summary>
    public float Conf { get; }

    /// <summary>IoU a gt/prediction pair must exceed to match.</summary>
    public float Iou { get; }

    /// <summary>Counts: [predicted class, true class], background at index Nc.</summary>
    public long[,] Matrix { get; }

    /// <summary>Adds one image.</summary>
    public void Process(ReadOnlySpan<Detection> predictions, ReadOnlySpan<GroundTruthBox> groundTruth)
    {
        var dets = new List<Detection>(predictions.Length);
        foreach (var d in predictions) if (d.Score > Conf) dets.Add(d);
        if (groundTruth.Length == 0)
        {
            foreach (var d in dets) Matrix[d.Class, Nc]++;
            return;
        }
        if (dets.Count == 0)
        {
            foreach (var g in groundTruth) Matrix[Nc, g.Class]++;
            return;
        }
        var pairs = new List<(int G, int D, float Iou)>();
        for (int g = 0; g < groundTruth.Length; g++)
            for (int d = 0; d < dets.Count; d++)
            {
                float iou = BoxIou(groundTruth[g], dets[d]);
                if (iou > Iou) pairs.Add((g, d, iou));
            }
        // stable sort by IoU descending, one match per prediction (its best), then one per gt
        var byIou = pairs.OrderByDescending(p => p.Iou).ToList();
        var perDet = byIou.GroupBy(p => p.D).Select(grp => grp.First()).OrderBy(p => p.D).ToList();
        var matches = perDet.OrderByDescending(p => p.Iou).GroupBy(p => p.G).Select(grp => grp.First()).ToList();
        var gtMatch = new int[groundTruth.Length];
        Array.Fill(gtMatch, -1);
        var detMatched = new bool[dets.Count];
        foreach (var m in matches)
        {
            gtMatch[m.G] = m.D;
            detMatched[m.D] = true;
        }
        for (int g = 0; g < groundTruth.Length; g++)
        {
            if (gtMatch[g] >= 0) Matrix[dets[gtMatch[g]].Class, groundTruth[g].Class]++;
            else Matrix[Nc, groundTruth[g].Class]++;
        }
        for (int d = 0; d < dets.Count; d++)
            if (!detMatched[d]) Matrix[dets[d].Class, Nc]++;
    }

    /// <summary>Per-class true positives (the diagonal) and false positives (row sum minus diagonal), without background.</summary>
    public (long[] TruePositives, long[] FalsePositives) TpFp()
    {
        var tp = new long[Nc];
        var fp = new long[Nc];
        for (int c = 0; c < Nc; c++)
        {
            tp[c] = Matrix[c, c];
            long row = 0;
            for (int k = 0; k <= Nc; k++) row += Matrix[c, k];
            fp[c] = row - tp[c];
        }
        return (tp, fp);
    }

    /// <summary>Clears the counts.</summary>
    public void Reset() => Array.Clear(Matrix);

    private static float BoxIou(GroundTruthBox g, Detection d)
    {
        float iw = MathF.Max(0f, MathF.Min(g.X2, d.X2) - MathF.Max(g.X1, d.X1));
        float ih = MathF.Max(0f, MathF.Min(g.Y2, d.Y2) - MathF.Max(g.Y1, d.Y1));
        float inter = iw * ih;
        float a1 = (g.X2 - g.X1) * (g.Y2 - g.Y1);
        float a2 = (d.X2 - d.X1) * (d.Y2 - d.Y1);
        return inter / (a1 + a2 - inter + 1e-7f);
    }
}
