using System.Buffers;
using System.Globalization;
using VisionCuda.Backends;

namespace VisionCuda.Training.Detect.Nms;

/// <summary>
/// Non-maximum suppression with torchvision.ops.nms / batched_nms semantics (checked against torchvision goldens
/// and against the naive oracle VisionCuda.Reference.ReferenceNms):
/// <list type="bullet">
/// <item>rank by score descending, equal scores by the lower index first (torchvision's CPU kernel sorts stably);</item>
/// <item>a kept box suppresses every later box with IoU &gt; threshold; IoU = inter / (area_i + area_j - inter) in
///   float32 with area = (x2-x1)*(y2-y1) (no +1), so zero-area boxes (IoU 0/0 = NaN) never suppress each other;</item>
/// <item>the float32 IoU is compared with a double threshold, as torchvision's C++ kernel does. The float
///   overloads take the double nearest to the decimal the float prints as (0.6f acts as 0.6).</item>
/// </list>
/// The fast path sorts once (stable radix sort on order-preserving score keys), gathers the ranked boxes into
/// padded structure-of-arrays with precomputed areas, and tests the current kept box against later candidates
/// eight at a time (AVX, the same float operations in the same order as torchvision, no FMA), skipping the
/// division for groups with no intersection; suppressed flags are ints. From 256 boxes on (finite coordinates,
/// threshold &gt;= 0) a uniform grid limits the candidates to boxes sharing a cell with the kept box: a pair whose
/// interiors do not intersect has IoU 0 or NaN and can never be suppressed, so the result is unchanged. That
/// suppression core is the Cpu backend's <see cref="IDetectionOps.NmsRanked"/>, which these host overloads call
/// (the ranking stays here); the overloads taking an IBackend (Nms.Backend.cs) run it on any backend with the same result.
/// </summary>
public static partial class Nms
{
    /// <summary>torchvision.ops.nms: kept indices, by score descending. boxes n*4 (x1, y1, x2, y2), scores n.</summary>
    public static int[] Run(ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, float iouThreshold)
        => Run(boxesXyxy, scores, DecimalThreshold(iouThreshold));

    /// <summary>As <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/> with the exact double threshold.</summary>
    public static int[] Run(ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, double iouThreshold)
    {
        Check(boxesXyxy, scores);
        return RunCore(boxesXyxy, scores, iouThreshold);
    }

    /// <summary>
    /// torchvision.ops.batched_nms (0.14, CPU): NMS independently per class. Inputs of n*4 &lt;= 4000 values use
    /// torchvision's coordinate offset trick (class * (max coordinate + 1) added in float32, one NMS); larger ones
    /// run NMS per class and merge the kept boxes by score (lower index first on ties), as torchvision does.
    /// </summary>
    public static int[] Batched(ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes, float iouThreshold)
        => Batched(boxesXyxy, scores, classes, DecimalThreshold(iouThreshold));

    /// <summary>As <see cref="Batched(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, float)"/> with the exact double threshold.</summary>
    public static int[] Batched(ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes, double iouThreshold)
    {
        Check(boxesXyxy, scores);
        if (classes.Length != scores.Length) throw new ArgumentException($"classes has {classes.Length} entries, scores {scores.Length}");
        int n = scores.Length;
        if (n == 0) return Array.Empty<int>();
        if (4L * n > 4000) return PerClass(boxesXyxy, scores, classes, iouThreshold);
        return RunCore(OffsetByClass(boxesXyxy, classes), scores, iouThreshold);
    }

    // torchvision's batched_nms trick: boxes + class * (max coordinate + 1), in float32.
    private static float[] OffsetByClass(ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<int> classes)
    {
        int n = classes.Length;
        float max = float.NegativeInfinity;
        foreach (float v in boxesXyxy) if (v > max) max = v;   // torch.max: NaN would propagate; NaN boxes are unsupported
        float step = max + 1f;
        var shifted = new float[boxesXyxy.Length];
        for (int i = 0; i < n; i++)
        {
            float offset = (float)classes[i] * step;
            shifted[4 * i] = boxesXyxy[4 * i] + offset;
            shifted[4 * i + 1] = boxesXyxy[4 * i + 1] + offset;
            shifted[4 * i + 2] = boxesXyxy[4 * i + 2] + offset;
            shifted[4 * i + 3] = boxesXyxy[4 * i + 3] + offset;
        }
        return shifted;
    }

    /// <summary>
    /// NMS per class without any coordinate offset (exact IoU whatever the coordinates), merged by score
    /// descending, lower index first on ties. Equals <see cref="Batched(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, double)"/>
    /// except for the float rounding that the offset trick adds to small inputs.
    /// </summary>
    public static int[] PerClass(ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes, double iouThreshold)
    {
        Check(boxesXyxy, scores);
        if (classes.Length != scores.Length) throw new ArgumentException($"classes has {classes.Length} entries, scores {scores.Length}");
        int n = scores.Length;
        if (n == 0) return Array.Empty<int>();
        // Group indices by class, ascending index inside a group (counting sort over the distinct classes).
        var groups = new Dictionary<int, List<int>>();
        for (int i = 0; i < n; i++)
        {
            if (!groups.TryGetValue(classes[i], out var list)) groups[classes[i]] = list = new List<int>();
            list.Add(i);
        }
        var keep = new bool[n];
        float[] gb = new float[4 * n], gs = new float[n];
        foreach (var members in groups.Values)
        {
            int m = members.Count;
            for (int k = 0; k < m; k++)
            {
                int i = members[k];
                gs[k] = scores[i];
                boxesXyxy.Slice(4 * i, 4).CopyTo(gb.AsSpan(4 * k, 4));
            }
            foreach (int k in RunCore(gb.AsSpan(0, 4 * m), gs.AsSpan(0, m), iouThreshold)) keep[members[k]] = true;
        }
        int count = 0;
        for (int i = 0; i < n; i++) if (keep[i]) count++;
        var keptIdx = new int[count];
        var keptScores = new float[count];
        for (int i = 0, c = 0; i < n; i++)
            if (keep[i]) { keptIdx[c] = i; keptScores[c++] = scores[i]; }
        int[] rank = RankByScore(keptScores);
        var result = new int[count];
        for (int r = 0; r < count; r++) result[r] = keptIdx[rank[r]];
        return result;
    }

    /// <summary>
    /// Indices ordered by score descending, equal scores by ascending index (a stable descending sort, NaN first,
    /// -0 equal to +0): a stable LSD radix sort (3 passes of 11/11/10 bits) over order-preserving score keys.
    /// </summary>
    public static int[] RankByScore(ReadOnlySpan<float> scores)
    {
        var order = new int[scores.Length];
        RankInto(scores, order);
        return order;
    }

    private static void RankInto(ReadOnlySpan<float> scores, Span<int> order)
    {
        int n = scores.Length;
        if (n <= 64)
        {
            Span<ulong> k = stackalloc ulong[n];
            for (int i = 0; i < n; i++) k[i] = ((ulong)DescendingKey(scores[i]) << 32) | (uint)i;
            k.Sort();
            for (int i = 0; i < n; i++) order[i] = (int)(uint)k[i];
            return;
        }
        var pool = ArrayPool<int>.Shared;
        int[] ka = pool.Rent(n), kb = pool.Rent(n), ia = pool.Rent(n), ib = pool.Rent(n);
        try
        {
            for (int i = 0; i < n; i++) { ka[i] = (int)DescendingKey(scores[i]); ia[i] = i; }
            Span<int> hist = stackalloc int[2048];
            int shift = 0;
            for (int pass = 0; pass < 3; pass++, shift += 11)
            {
                hist.Clear();
                for (int i = 0; i < n; i++) hist[(int)(((uint)ka[i] >> shift) & 2047u)]++;
                int sum = 0;
                for (int d = 0; d < 2048; d++) { int c = hist[d]; hist[d] = sum; sum += c; }
                for (int i = 0; i < n; i++)
                {
                    int pos = hist[(int)(((uint)ka[i] >> shift) & 2047u)]++;
                    kb[pos] = ka[i];
                    ib[pos] = ia[i];
                }
                (ka, kb) = (kb, ka);
                (ia, ib) = (ib, ia);
            }
            ia.AsSpan(0, n).CopyTo(order);
        }
        finally
        {
            pool.Return(ka); pool.Return(kb); pool.Return(ia); pool.Return(ib);
        }
    }

    /// <summary>The double a float threshold stands for: the one nearest the float's shortest decimal (0.6f -> 0.6).</summary>
    public static double DecimalThreshold(float threshold)
        => float.IsFinite(threshold)
            ? double.Parse(threshold.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : threshold;

    // Largest float f with (double)f <= t: for every float x, x > f  <=>  (double)x > t (NaN: both false).
    internal static float FloatCut(double t) => NmsThreshold.FloatCut(t);

    // Order-preserving map of a float to uint, inverted so that ascending keys = descending scores.
    private static uint DescendingKey(float s)
    {
        if (float.IsNaN(s)) return 0;                         // NaN ranks first (torch's descending sort)
        if (s == 0f) s = 0f;                                  // -0 ties with +0
        uint u = BitConverter.SingleToUInt32Bits(s);
        u = (u & 0x80000000u) != 0 ? ~u : u | 0x80000000u;   // ascending float order
        return ~u == 0 ? 1u : ~u;                             // descending; 0 reserved for NaN
    }

    private static void Check(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores)
    {
        if (boxes.Length != 4 * scores.Length)
            throw new ArgumentException($"boxes has {boxes.Length} values, expected 4 * {scores.Length} (x1, y1, x2, y2 per box)");
    }

    // The host overloads run on the Cpu backend: its storages are host memory, so the "upload" is one copy.
    private static IBackend Host => Devices.Get("cpu");

    // Rank once, then the backend's suppression step on the ranked boxes (the Cpu backend's vectorised, grid-pruned core).
    private static int[] RunCore(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold)
    {
        int n = scores.Length;
        if (n == 0) return Array.Empty<int>();
        int[] order = ArrayPool<int>.Shared.Rent(n);
        try
        {
            RankInto(scores, order.AsSpan(0, n));
            return SuppressOn(Host, boxes, ReadOnlySpan<int>.Empty, order.AsSpan(0, n), FloatCut(iouThreshold), n);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }
}
