using System.Buffers;
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
/// The fast path sorts once (stable radix sort on order-preserving score keys), gathers the ranked boxes into
/// padded structure-of-arrays with precomputed areas, and tests the current kept box against later candidates
/// eight at a time (AVX, the same float operations in the same order as torchvision, no FMA), skipping the
/// division for groups with no intersection; suppressed flags are ints. From 256 boxes on (finite coordinates,
/// threshold &gt;= 0) a uniform grid limits the candidates to boxes sharing a cell with the kept box: a pair whose
/// interiors do not intersect has IoU 0 or NaN and can never be suppressed, so the result is unchanged.
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

    // Inputs below this size scan every later candidate; above it a uniform grid prunes disjoint pairs.
    internal const int GridMinBoxes = 256;

    private static unsafe int[] RunCore(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold)
    {
        int n = scores.Length;
        if (n == 0) return Array.Empty<int>();
        int stride = (n + 8 + 7) & ~7;                        // room for a full vector past the last box
        int[] order = ArrayPool<int>.Shared.Rent(n);
        float[] soa = ArrayPool<float>.Shared.Rent(5 * stride);   // x1 | y1 | x2 | y2 | area, in rank order
        int[] suppressed = ArrayPool<int>.Shared.Rent(stride);
        int[] kept = ArrayPool<int>.Shared.Rent(n);
        Grid? grid = null;
        try
        {
            RankInto(scores, order.AsSpan(0, n));
            suppressed.AsSpan(0, stride).Clear();
            bool finite = true;
            for (int r = 0; r < n; r++)
            {
                int i = order[r];
                float x1 = boxes[4 * i], y1 = boxes[4 * i + 1], x2 = boxes[4 * i + 2], y2 = boxes[4 * i + 3];
                soa[r] = x1;
                soa[stride + r] = y1;
                soa[2 * stride + r] = x2;
                soa[3 * stride + r] = y2;
                soa[4 * stride + r] = (x2 - x1) * (y2 - y1);
                finite &= float.IsFinite(x1) & float.IsFinite(y1) & float.IsFinite(x2) & float.IsFinite(y2);
            }
            for (int k = 0; k < 5; k++) soa.AsSpan(k * stride + n, stride - n).Clear();   // padding lanes
            float cut = FloatCut(iouThreshold);
            // With a threshold >= 0 only pairs with inter > 0 can be suppressed (0/u = 0 or NaN is never > t >= 0),
            // which lets the scan skip disjoint groups and the grid skip disjoint pairs altogether.
            bool overlapOnly = iouThreshold >= 0;
            int nk = 0;
            if (overlapOnly && finite && n >= GridMinBoxes && Avx.IsSupported) grid = Grid.Build(soa, stride, n);
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
                    if (grid is not null && !grid.IsBig(r))
                        grid.Suppress(X1[r], Y1[r], X2[r], Y2[r], AR[r], r, sup, cut);
                    else if (Avx.IsSupported)
                        SuppressAvx(X1, Y1, X2, Y2, AR, sup, r, j, n, cut, overlapOnly);
                    else
                        SuppressScalar(X1, Y1, X2, Y2, AR, sup, r, j, n, cut);
                }
            }
            return kept.AsSpan(0, nk).ToArray();
        }
        finally
        {
            grid?.Dispose();
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<float>.Shared.Return(soa);
            ArrayPool<int>.Shared.Return(suppressed);
            ArrayPool<int>.Shared.Return(kept);
        }
    }

    /// <summary>
    /// Uniform grid over the boxes (cell side about the mean box side). Every box of modest extent is listed, by rank,
    /// in each cell its closed extent touches; two boxes whose interiors intersect share a cell, so a kept box only
    /// needs the later-ranked entries of its own cells (pairs seen in several cells are just tested again). Boxes
    /// spanning many cells are not listed: as kept boxes they scan all later candidates, and every kept box also scans
    /// the later-ranked part of that big list. The IoU test itself is the same vector code as the full scan.
    /// </summary>
    private sealed unsafe class Grid : IDisposable
    {
        private const int MaxSpan = 16;                       // cells a listed box may touch
        private int _gx, _gy;
        private float _minX, _minY, _inv;
        private int[] _cellStart = null!;                     // CSR over cells: entries [start[c], start[c+1])
        private int[] _entryRank = null!;                     // rank of each entry (ascending inside a cell)
        private float[] _e = null!;                           // entry SoA: x1 | y1 | x2 | y2 | area, each _eStride long
        private int _eStride;
        private int _bigStart;                                // the big list is the "cell" after the last grid cell
        private bool[] _big = null!;

        public bool IsBig(int rank) => _big[rank];

        public static Grid? Build(float[] soa, int stride, int n)
        {
            float minX = float.PositiveInfinity, minY = float.PositiveInfinity, maxX = float.NegativeInfinity, maxY = float.NegativeInfinity;
            double sumSide = 0;
            for (int r = 0; r < n; r++)
            {
                float x1 = soa[r], y1 = soa[stride + r], x2 = soa[2 * stride + r], y2 = soa[3 * stride + r];
                minX = MathF.Min(minX, MathF.Min(x1, x2));
                minY = MathF.Min(minY, MathF.Min(y1, y2));
                maxX = MathF.Max(maxX, MathF.Max(x1, x2));
                maxY = MathF.Max(maxY, MathF.Max(y1, y2));
                sumSide += Math.Max(0.0, (double)x2 - x1) + Math.Max(0.0, (double)y2 - y1);
            }
            double extX = (double)maxX - minX, extY = (double)maxY - minY;
            double side = sumSide / (2.0 * n);
            if (!(side > 0) || !(extX > 0) || !(extY > 0)) return null;
            side = Math.Max(side, Math.Max(extX, extY) / 1024);   // at most ~1024 cells a side
            int gx, gy;
            while (true)
            {
                gx = (int)(extX / side) + 1;
                gy = (int)(extY / side) + 1;
                if ((long)gx * gy <= Math.Max(64L, 2L * n)) break;
                side *= 1.5;
            }
            if (gx * gy < 4) return null;                     // the grid would not prune anything
            var g = new Grid { _gx = gx, _gy = gy, _minX = minX, _minY = minY, _inv = (float)(1.0 / side) };
            int cells = gx * gy;
            var ip = ArrayPool<int>.Shared;
            g._cellStart = ip.Rent(cells + 2);
            g._big = ArrayPool<bool>.Shared.Rent(n);
            int[] count = ip.Rent(cells + 2);                 // per cell, then the big list at index cells
            try
            {
                count.AsSpan(0, cells + 2).Clear();
                for (int r = 0; r < n; r++)
                {
                    g._big[r] = false;
                    if (!g.Span(soa, stride, r, out int c0, out int c1, out int r0, out int r1)) continue;
                    if ((c1 - c0 + 1) * (r1 - r0 + 1) > MaxSpan) { g._big[r] = true; count[cells]++; continue; }
                    for (int cy = r0; cy <= r1; cy++)
                        for (int cx = c0; cx <= c1; cx++) count[cy * gx + cx]++;
                }
                g._cellStart[0] = 0;
                for (int c = 0; c <= cells; c++) g._cellStart[c + 1] = g._cellStart[c] + count[c];
                g._bigStart = g._cellStart[cells];
                int total = g._cellStart[cells + 1];
                g._eStride = total + 8;
                g._entryRank = ip.Rent(g._eStride);
                g._e = ArrayPool<float>.Shared.Rent(5 * g._eStride);
                for (int k = 0; k < 5; k++) g._e.AsSpan(k * g._eStride + total, 8).Clear();
                g._cellStart.AsSpan(0, cells + 1).CopyTo(count);    // fill cursors
                for (int r = 0; r < n; r++)
                {
                    if (!g.Span(soa, stride, r, out int c0, out int c1, out int r0, out int r1)) continue;
                    if (g._big[r]) { g.Put(count[cells]++, r, soa, stride); continue; }
                    for (int cy = r0; cy <= r1; cy++)
                        for (int cx = c0; cx <= c1; cx++) g.Put(count[cy * gx + cx]++, r, soa, stride);
                }
            }
            finally
            {
                ip.Return(count);
            }
            return g;
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(_cellStart);
            ArrayPool<bool>.Shared.Return(_big);
            if (_entryRank is not null) ArrayPool<int>.Shared.Return(_entryRank);
            if (_e is not null) ArrayPool<float>.Shared.Return(_e);
        }

        // The cells box r touches; false when x2 < x1 or y2 < y1 (such a box can neither suppress nor be suppressed).
        private bool Span(float[] soa, int stride, int r, out int c0, out int c1, out int r0, out int r1)
        {
            c0 = CellX(soa[r]);
            r0 = CellY(soa[stride + r]);
            c1 = CellX(soa[2 * stride + r]);
            r1 = CellY(soa[3 * stride + r]);
            return c1 >= c0 && r1 >= r0;
        }

        private void Put(int e, int r, float[] soa, int stride)
        {
            _entryRank[e] = r;
            for (int k = 0; k < 5; k++) _e[k * _eStride + e] = soa[k * stride + r];
        }

        // Monotone in x (float rounding and truncation are monotone), clamped to the grid.
        private int CellX(float x) => Math.Clamp((int)((x - _minX) * _inv), 0, _gx - 1);

        private int CellY(float y) => Math.Clamp((int)((y - _minY) * _inv), 0, _gy - 1);

        public void Suppress(float ix1, float iy1, float ix2, float iy2, float iar, int r, int* sup, float cut)
        {
            int c0 = CellX(ix1), c1 = CellX(ix2), r0 = CellY(iy1), r1 = CellY(iy2);
            fixed (float* e = _e)
            fixed (int* rank = _entryRank)
            {
                var ctx = new Scan(e, _eStride, rank, ix1, iy1, ix2, iy2, iar, cut);
                for (int cy = r0; cy <= r1; cy++)
                    for (int cx = c0; cx <= c1; cx++)
                    {
                        int c = cy * _gx + cx;
                        ScanRange(ref ctx, _cellStart[c], _cellStart[c + 1], r, sup);
                    }
                ScanRange(ref ctx, _bigStart, _cellStart[_gx * _gy + 1], r, sup);
            }
        }

        // Entries [start, end) are sorted by rank: test those ranked after r.
        private static void ScanRange(ref Scan ctx, int start, int end, int r, int* sup)
        {
            int lo = start, hi = end;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (ctx.Rank[mid] <= r) lo = mid + 1;
                else hi = mid;
            }
            for (int j = lo; j < end; j += 8)
            {
                int mask = ctx.HitMask(j);
                if (mask == 0) continue;
                int valid = end - j;
                if (valid < 8) mask &= (1 << valid) - 1;
                while (mask != 0)
                {
                    int lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
                    sup[ctx.Rank[j + lane]] = -1;
                    mask &= mask - 1;
                }
            }
        }

        private readonly struct Scan
        {
            private readonly float* _x1, _y1, _x2, _y2, _ar;
            public readonly int* Rank;
            private readonly Vector256<float> _ix1, _iy1, _ix2, _iy2, _iar, _thr;

            public Scan(float* e, int stride, int* rank, float ix1, float iy1, float ix2, float iy2, float iar, float cut)
            {
                _x1 = e; _y1 = e + stride; _x2 = e + 2 * stride; _y2 = e + 3 * stride; _ar = e + 4 * stride;
                Rank = rank;
                _ix1 = Vector256.Create(ix1); _iy1 = Vector256.Create(iy1);
                _ix2 = Vector256.Create(ix2); _iy2 = Vector256.Create(iy2);
                _iar = Vector256.Create(iar); _thr = Vector256.Create(cut);
            }

            // Lanes j..j+7 whose IoU with the current box exceeds the threshold (same arithmetic as the full scan).
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int HitMask(int j)
            {
                var zero = Vector256<float>.Zero;
                var w = Avx.Max(Avx.Subtract(Avx.Min(Avx.LoadVector256(_x2 + j), _ix2), Avx.Max(Avx.LoadVector256(_x1 + j), _ix1)), zero);
                var h = Avx.Max(Avx.Subtract(Avx.Min(Avx.LoadVector256(_y2 + j), _iy2), Avx.Max(Avx.LoadVector256(_y1 + j), _iy1)), zero);
                var inter = Avx.Multiply(w, h);
                if (Avx.MoveMask(Avx.CompareGreaterThan(inter, zero)) == 0) return 0;
                var union = Avx.Subtract(Avx.Add(_iar, Avx.LoadVector256(_ar + j)), inter);
                return Avx.MoveMask(Avx.CompareGreaterThan(Avx.Divide(inter, union), _thr));
            }
        }
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
