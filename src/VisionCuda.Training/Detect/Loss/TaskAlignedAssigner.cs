using VisionCuda.Backends;

namespace VisionCuda.Training.Detect.Loss;

// Design notes
// - Task-aligned assigner (TOOD, Feng et al. 2021) with YOLOv8's settings: topk 10, alpha 0.5, beta 6, eps 1e-9.
//   For each gt g and anchor a whose centre lies strictly inside g:
//     overlap[g,a] = max(CIoU(g, pred box a), 0), metric[g,a] = score[a, cls g]^alpha * overlap^beta.
//   Each gt takes its topk anchors by metric; those inside it are its positives. An anchor claimed by several gts
//   goes to the gt with the largest overlap (argmax over all gts, first on ties). Target score of a positive anchor
//   = one-hot(class) * metric * max_overlap(gt) / (max_metric(gt) + eps).
// - Tie rule, written down because top-k on equal values is otherwise implementation-defined: anchors are ranked by
//   metric, descending, equal metrics by lower anchor index (a stable sort over all anchors, so an anchor outside the
//   gt with metric 0 can take a slot ahead of an inside anchor with metric 0, as in the reference).
// - The dense part (inside mask, overlap, metric for every gt x anchor) is IDetectionOps.AssignerMetrics on the predictions'
//   backend (DetectionLoss, via F.AssignerMetrics); the discrete part (top-k, conflict resolution, normalisation) runs
//   here on the host from the downloaded arrays (AssignFromMetrics), per image. Assign() computes the same arrays on
//   the host with the same BoxMath formulas (bitwise the Cpu backend's values) for callers without a backend.

/// <summary>The assignment of one image: per anchor, whether it is foreground, its gt, target box (px) and score.</summary>
public sealed class Assignment
{
    public Assignment(int anchors)
    {
        Foreground = new bool[anchors];
        GtIndex = new int[anchors];
        Label = new int[anchors];
        Score = new float[anchors];
        Boxes = new float[anchors * 4];
    }

    public bool[] Foreground { get; }

    /// <summary>The assigned gt (0 for background anchors, as in the reference).</summary>
    public int[] GtIndex { get; }

    /// <summary>The assigned gt's class (meaningful for foreground anchors).</summary>
    public int[] Label { get; }

    /// <summary>Target score for <see cref="Label"/> (0 for background): the normalised alignment metric.</summary>
    public float[] Score { get; }

    /// <summary>Target boxes xyxy in pixels, [A, 4] (foreground anchors; background anchors hold gt 0's box or zeros).</summary>
    public float[] Boxes { get; }

    /// <summary>True when some anchor was claimed by more than one gt before resolution.</summary>
    public bool HadConflicts { get; internal set; }
}

/// <summary>Task-aligned assigner (see the design notes at the top of the file).</summary>
public sealed class TaskAlignedAssigner
{
    public TaskAlignedAssigner(int numClasses, int topk = 10, float alpha = 0.5f, float beta = 6.0f, float eps = 1e-9f)
    {
        NumClasses = numClasses;
        TopK = topk;
        Alpha = alpha;
        Beta = beta;
        Eps = eps;
    }

    public int NumClasses { get; }

    public int TopK { get; }

    public float Alpha { get; }

    public float Beta { get; }

    public float Eps { get; }

    /// <summary>
    /// Assigns one image. <paramref name="scores"/>: class probabilities [nc, A]; <paramref name="predBoxes"/>: xyxy
    /// pixels [4, A] (rows x1, y1, x2, y2); anchors in pixels; gts: classes [n] and xyxy pixel boxes [n * 4].
    /// </summary>
    public Assignment Assign(ReadOnlySpan<float> scores, ReadOnlySpan<float> predBoxes, ReadOnlySpan<float> anchorX, ReadOnlySpan<float> anchorY,
        ReadOnlySpan<int> gtClasses, ReadOnlySpan<float> gtBoxes)
    {
        int a = anchorX.Length, n = gtClasses.Length;
        var result = new Assignment(a);
        if (n == 0) return result;
        if (scores.Length != NumClasses * a || predBoxes.Length != 4 * a || gtBoxes.Length != 4 * n)
            throw new ArgumentException("TaskAlignedAssigner: scores must be [nc, A], boxes [4, A] and gt boxes [n, 4]");

        var inside = new int[n * a];
        var overlap = new float[n * a];
        var metric = new float[n * a];
        for (int g = 0; g < n; g++)
        {
            float gx1 = gtBoxes[4 * g], gy1 = gtBoxes[4 * g + 1], gx2 = gtBoxes[4 * g + 2], gy2 = gtBoxes[4 * g + 3];
            int cls = gtClasses[g];
            if ((uint)cls >= (uint)NumClasses) throw new ArgumentOutOfRangeException(nameof(gtClasses), $"gt class {cls} is not in [0, {NumClasses})");
            int row = g * a;
            for (int k = 0; k < a; k++)
            {
                if (!BoxMath.Inside(gx1, gy1, gx2, gy2, anchorX[k], anchorY[k], Eps)) continue;
                inside[row + k] = 1;
                float ov = MathF.Max(BoxMath.Ciou(gx1, gy1, gx2, gy2, predBoxes[k], predBoxes[a + k], predBoxes[2 * a + k], predBoxes[3 * a + k], BoxIou.Eps), 0f);
                overlap[row + k] = ov;
                metric[row + k] = BoxMath.AssignerMetric(scores[cls * a + k], ov, Alpha, Beta);
            }
        }
        return AssignFromMetrics(inside, overlap, metric, a, gtClasses, gtBoxes);
    }

    /// <summary>
    /// Assigns one image from its metrics (IDetectionOps.AssignerMetrics' rows for this image's n gts): inside (0/1),
    /// overlap and metric, each [n, A]; then top-k, conflict resolution and normalisation as in <see cref="Assign"/>.
    /// </summary>
    public Assignment AssignFromMetrics(ReadOnlySpan<int> inside, ReadOnlySpan<float> overlap, ReadOnlySpan<float> metric, int anchors,
        ReadOnlySpan<int> gtClasses, ReadOnlySpan<float> gtBoxes)
    {
        int a = anchors, n = gtClasses.Length;
        var result = new Assignment(a);
        if (n == 0) return result;
        if (inside.Length < n * a || overlap.Length < n * a || metric.Length < n * a || gtBoxes.Length != 4 * n)
            throw new ArgumentException("TaskAlignedAssigner: metrics must be [n, A] and gt boxes [n, 4]");
        var pos = new bool[n * a];
        var ranked = new List<int>();
        for (int g = 0; g < n; g++)
        {
            int row = g * a;
            ranked.Clear();
            for (int k = 0; k < a; k++)
                if (inside[row + k] != 0 && metric[row + k] > 0f) ranked.Add(k);
            // Top-k: positive metrics by (metric desc, index asc), then zero metrics by index over all anchors.
            var m = metric.Slice(row, a).ToArray();
            ranked.Sort((p, q) =>
            {
                int c = m[q].CompareTo(m[p]);
                return c != 0 ? c : p.CompareTo(q);
            });
            int take = Math.Min(TopK, ranked.Count);
            for (int i = 0; i < take; i++) pos[row + ranked[i]] = true;   // positive metric implies inside
            int left = TopK - take;
            for (int k = 0; k < a && left > 0; k++)
            {
                if (m[k] > 0f) continue;
                left--;
                if (inside[row + k] != 0) pos[row + k] = true;
            }
        }

        // Resolve anchors claimed by several gts: the gt with the largest overlap (first on ties) wins.
        for (int k = 0; k < a; k++)
        {
            int count = 0;
            for (int g = 0; g < n; g++) if (pos[g * a + k]) count++;
            if (count <= 1) continue;
            result.HadConflicts = true;
            int best = 0;
            for (int g = 1; g < n; g++) if (overlap[g * a + k] > overlap[best * a + k]) best = g;
            for (int g = 0; g < n; g++) pos[g * a + k] = g == best;
        }

        var maxMetric = new float[n];
        var maxOverlap = new float[n];
        for (int g = 0; g < n; g++)
            for (int k = 0; k < a; k++)
                if (pos[g * a + k])
                {
                    maxMetric[g] = MathF.Max(maxMetric[g], metric[g * a + k]);
                    maxOverlap[g] = MathF.Max(maxOverlap[g], overlap[g * a + k]);
                }

        for (int k = 0; k < a; k++)
        {
            int gi = 0;
            bool fg = false;
            for (int g = 0; g < n; g++)
                if (pos[g * a + k]) { gi = g; fg = true; break; }
            result.Foreground[k] = fg;
            result.GtIndex[k] = gi;
            result.Label[k] = gtClasses[gi];
            gtBoxes.Slice(4 * gi, 4).CopyTo(result.Boxes.AsSpan(4 * k, 4));
            result.Score[k] = fg ? metric[gi * a + k] * maxOverlap[gi] / (maxMetric[gi] + Eps) : 0f;
        }
        return result;
    }
}
