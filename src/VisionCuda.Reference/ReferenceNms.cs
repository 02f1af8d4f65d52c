namespace VisionCuda.Reference;

/// <summary>
/// The naive NMS oracle: torchvision.ops.nms / batched_nms semantics written as plainly as possible
/// (O(n^2) scalar loops, no SIMD, no bitmasks, no threads). The fast Cpu NMS in VisionCuda.Training.Detect.Nms
/// is tested against this and against torchvision goldens, never against itself.
/// <list type="bullet">
/// <item>Rank by score descending; equal scores rank the lower index first (torchvision's stable CPU sort).</item>
/// <item>Walk the ranking; a box not yet suppressed is kept and suppresses every later box j with
///   IoU &gt; iouThreshold, where IoU = inter / (area_i + area_j - inter) in float32, area = (x2-x1)*(y2-y1),
///   inter = max(0, min x2 - max x1) * max(0, min y2 - max y1) (std::max / std::min operand order).</item>
/// <item>The float32 IoU is compared with the double threshold (as torchvision's C++ does).</item>
/// </list>
/// </summary>
public static class ReferenceNms
{
    /// <summary>Kept indices, by score descending. boxes: n*4 (x1, y1, x2, y2); scores: n.</summary>
    public static int[] Nms(float[] boxes, float[] scores, double iouThreshold)
    {
        int n = scores.Length;
        if (boxes.Length != 4 * n) throw new ArgumentException($"boxes has {boxes.Length} values, expected 4 * {n}");
        int[] order = RankByScore(scores);
        var suppressed = new bool[n];
        var kept = new List<int>();
        for (int a = 0; a < n; a++)
        {
            int i = order[a];
            if (suppressed[i]) continue;
            kept.Add(i);
            for (int b = a + 1; b < n; b++)
            {
                int j = order[b];
                if (suppressed[j]) continue;
                float iou = Iou(boxes, i, j);
                if (iou > iouThreshold) suppressed[j] = true;   // float promoted to double; NaN never suppresses
            }
        }
        return kept.ToArray();
    }

    /// <summary>
    /// torchvision.ops.batched_nms (0.14, CPU): NMS per class. With n*4 &lt;= 4000 values it adds the offset
    /// class * (max coordinate + 1) to every coordinate in float32 and runs one NMS; above that it runs NMS per
    /// class and orders the union by score descending (lower index first on ties).
    /// </summary>
    public static int[] BatchedNms(float[] boxes, float[] scores, int[] classes, double iouThreshold)
    {
        int n = scores.Length;
        if (classes.Length != n) throw new ArgumentException("classes and scores differ in length");
        if (n == 0) return Array.Empty<int>();
        if (4L * n <= 4000)
        {
            float max = float.NegativeInfinity;
            foreach (float v in boxes) if (v > max) max = v;
            float step = max + 1f;
            var shifted = new float[boxes.Length];
            for (int i = 0; i < n; i++)
            {
                float offset = (float)classes[i] * step;
                for (int c = 0; c < 4; c++) shifted[4 * i + c] = boxes[4 * i + c] + offset;
            }
            return Nms(shifted, scores, iouThreshold);
        }
        var keep = new bool[n];
        foreach (int cls in classes.Distinct())
        {
            var members = Enumerable.Range(0, n).Where(i => classes[i] == cls).ToArray();
            var b = new float[members.Length * 4];
            var s = new float[members.Length];
            for (int m = 0; m < members.Length; m++)
            {
                s[m] = scores[members[m]];
                for (int c = 0; c < 4; c++) b[4 * m + c] = boxes[4 * members[m] + c];
            }
            foreach (int k in Nms(b, s, iouThreshold)) keep[members[k]] = true;
        }
        var kept = Enumerable.Range(0, n).Where(i => keep[i]).ToArray();
        return RankByScore(kept.Select(i => scores[i]).ToArray()).Select(r => kept[r]).ToArray();
    }

    /// <summary>IoU of boxes i and j in float32, exactly torchvision's CPU formula.</summary>
    public static float Iou(float[] boxes, int i, int j)
    {
        float ix1 = boxes[4 * i], iy1 = boxes[4 * i + 1], ix2 = boxes[4 * i + 2], iy2 = boxes[4 * i + 3];
        float jx1 = boxes[4 * j], jy1 = boxes[4 * j + 1], jx2 = boxes[4 * j + 2], jy2 = boxes[4 * j + 3];
        float iarea = (ix2 - ix1) * (iy2 - iy1);
        float jarea = (jx2 - jx1) * (jy2 - jy1);
        float xx1 = StdMax(ix1, jx1), yy1 = StdMax(iy1, jy1);
        float xx2 = StdMin(ix2, jx2), yy2 = StdMin(iy2, jy2);
        float w = StdMax(0f, xx2 - xx1), h = StdMax(0f, yy2 - yy1);
        float inter = w * h;
        float union = iarea + jarea - inter;
        return inter / union;
    }

    /// <summary>Indices by score descending, equal scores by ascending index (insertion sort: stable, slow, obvious).</summary>
    public static int[] RankByScore(float[] scores)
    {
        var order = new int[scores.Length];
        for (int k = 0; k < order.Length; k++)
        {
            int idx = k;
            int pos = k;
            while (pos > 0 && Before(scores[idx], scores[order[pos - 1]]))
            {
                order[pos] = order[pos - 1];
                pos--;
            }
            order[pos] = idx;
        }
        return order;
    }

    // a ranks strictly before b (descending; NaN ranks first, as torch's descending sort puts NaN first).
    private static bool Before(float a, float b)
    {
        if (float.IsNaN(a)) return !float.IsNaN(b);
        if (float.IsNaN(b)) return false;
        return a > b;
    }

    /// <summary>
    /// The NMS benchmark set (tools/goldens/detect_eval/benchset.py replicates it bit for bit): an LCG
    /// state = state * 1664525 + 1013904223 (mod 2^32), u = (state &gt;&gt; 8) / 2^24; box i draws cx = 1000u,
    /// cy = 1000u, w = 8 + 120u, h = 8 + 120u, score = u, then x1 = cx - w/2 ... in float32.
    /// </summary>
    public static (float[] Boxes, float[] Scores) BenchmarkSet(int n = 10000, uint seed = 12345)
    {
        uint state = seed;
        float U()
        {
            state = unchecked(state * 1664525u + 1013904223u);
            return (state >> 8) * (1f / 16777216f);
        }
        var boxes = new float[4 * n];
        var scores = new float[n];
        for (int i = 0; i < n; i++)
        {
            float cx = 1000f * U();
            float cy = 1000f * U();
            float w = 8f + 120f * U();
            float h = 8f + 120f * U();
            scores[i] = U();
            float hw = w * 0.5f, hh = h * 0.5f;
            boxes[4 * i] = cx - hw;
            boxes[4 * i + 1] = cy - hh;
            boxes[4 * i + 2] = cx + hw;
            boxes[4 * i + 3] = cy + hh;
        }
        return (boxes, scores);
    }

    private static float StdMax(float a, float b) => a < b ? b : a;
    private static float StdMin(float a, float b) => b < a ? b : a;
}
