using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
/// The fast path sorts once (64-bit keys: score bits, index), gathers the ranked boxes into padded
/// structure-of-arrays with precomputed areas, and tests the current kept box against all later candidates
/// eight at a time (AVX), skipping the division for groups with no intersection; suppressed flags are ints.
/// </summary>
public static class Nms
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
        return RunCore(shifted, scores, iouThreshold);
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
    /// -0 equal to +0). One Array.Sort over 64-bit keys (order-preserving score bits, then the index).
    /// </summary>
    public static int[] RankByScore(ReadOnlySpan<float> scores)
    {
        int n = scores.Length;
        var keys = new ulong[n];
        for (int i = 0; i < n; i++) keys[i] = ((ulong)DescendingKey(scores[i]) << 32) | (uint)i;
        Array.Sort(keys);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = (int)(uint)keys[i];
        return order;
    }

    /// <summary>The double a float threshold stands for: the one nearest the float's shortest decimal (0.6f -> 0.6).</summary>
    public static double DecimalThreshold(float threshold)
        => float.IsFinite(threshold)
            ? double.Parse(threshold.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : threshold;

    // Largest float f with (double)f <= t: for every float x, x > f  <=>  (double)x > t (NaN: both false).
    internal static float FloatCut(double t)
    {
        if (double.IsNaN(t)) return float.NaN;
        float f = (float)t;
        if ((double)f > t) f = MathF.BitDecrement(f);
        return f;
    }

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

    private static unsafe int[] RunCore(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold)
    {
        int n = scores.Length;
        if (n == 0) return Array.Empty<int>();
        int[] order = RankByScore(scores);
        int stride = (n + 8 + 7) & ~7;                        // room for a full vector past the last box
        var soa = new float[5 * stride];                      // x1 | y1 | x2 | y2 | area, in rank order
        var suppressed = new int[stride];
        for (int r = 0; r < n; r++)
        {
            int i = order[r];
            float x1 = boxes[4 * i], y1 = boxes[4 * i + 1], x2 = boxes[4 * i + 2], y2 = boxes[4 * i + 3];
            soa[r] = x1;
            soa[stride + r] = y1;
            soa[2 * stride + r] = x2;
            soa[3 * stride + r] = y2;
            soa[4 * stride + r] = (x2 - x1) * (y2 - y1);
        }
        float cut = FloatCut(iouThreshold);
        // With a threshold >= 0 only pairs with inter > 0 can be suppressed (0/u = 0 or NaN is never > t >= 0).
        bool skipDisjoint = iouThreshold >= 0;
        var kept = new int[n];
        int nk = 0;
        fixed (float* p = soa)
        fixed (int* sup = suppressed)
        {
            float* X1 = p, Y1 = p + stride, X2 = p + 2 * stride, Y2 = p + 3 * stride, AR = p + 4 * stride;
            for (int r = 0; r < n; r++)
            {
                if (sup[r] != 0) continue;
                kept[nk++] = order[r];
                int j = r + 1;
                if (j >= n) break;
                if (Avx.IsSupported)
                    SuppressAvx(X1, Y1, X2, Y2, AR, sup, r, j, n, cut, skipDisjoint);
                else
                    SuppressScalar(X1, Y1, X2, Y2, AR, sup, r, j, n, cut);
            }
        }
        Array.Resize(ref kept, nk);
        return kept;
    }

    // std::max(a, b) = a < b ? b : a  == maxps(b, a);  std::min(a, b) = b < a ? b : a == minps(b, a).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void SuppressAvx(float* X1, float* Y1, float* X2, float* Y2, float* AR, int* sup,
                                           int r, int j, int n, float cut, bool skipDisjoint)
    {
        var ix1 = Vector256.Create(X1[r]);
        var iy1 = Vector256.Create(Y1[r]);
        var ix2 = Vector256.Create(X2[r]);
        var iy2 = Vector256.Create(Y2[r]);
        var iar = Vector256.Create(AR[r]);
        var thr = Vector256.Create(cut);
        var zero = Vector256<float>.Zero;
        for (; j < n; j += 8)
        {
            var xx1 = Avx.Max(Avx.LoadVector256(X1 + j), ix1);
            var xx2 = Avx.Min(Avx.LoadVector256(X2 + j), ix2);
            var w = Avx.Max(Avx.Subtract(xx2, xx1), zero);
            var yy1 = Avx.Max(Avx.LoadVector256(Y1 + j), iy1);
            var yy2 = Avx.Min(Avx.LoadVector256(Y2 + j), iy2);
            var h = Avx.Max(Avx.Subtract(yy2, yy1), zero);
            var inter = Avx.Multiply(w, h);
            if (skipDisjoint && Avx.MoveMask(Avx.CompareGreaterThan(inter, zero)) == 0) continue;
            var union = Avx.Subtract(Avx.Add(iar, Avx.LoadVector256(AR + j)), inter);
            var ovr = Avx.Divide(inter, union);
            var hit = Avx.CompareGreaterThan(ovr, thr).AsInt32();   // ordered: NaN -> false
            var s = Avx.LoadVector256(sup + j);
            Avx.Store(sup + j, Avx.Or(s.AsSingle(), hit.AsSingle()).AsInt32());
        }
    }

    private static unsafe void SuppressScalar(float* X1, float* Y1, float* X2, float* Y2, float* AR, int* sup,
                                              int r, int j, int n, float cut)
    {
        float ix1 = X1[r], iy1 = Y1[r], ix2 = X2[r], iy2 = Y2[r], iar = AR[r];
        for (; j < n; j++)
        {
            float xx1 = ix1 < X1[j] ? X1[j] : ix1;
            float yy1 = iy1 < Y1[j] ? Y1[j] : iy1;
            float xx2 = X2[j] < ix2 ? X2[j] : ix2;
            float yy2 = Y2[j] < iy2 ? Y2[j] : iy2;
            float dw = xx2 - xx1, dh = yy2 - yy1;
            float w = 0f < dw ? dw : 0f;
            float h = 0f < dh ? dh : 0f;
            float inter = w * h;
            float ovr = inter / (iar + AR[j] - inter);
            if (ovr > cut) sup[j] = -1;
        }
    }
}
