using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionCuda.Cpu.Detection;

/// <summary>
/// The suppression step of NMS on boxes already in rank order (torchvision semantics, see
/// VisionCuda.Training.Detect.Nms.Nms for ranking and thresholds): a kept box suppresses every later box with
/// IoU &gt; cut, IoU = inter / (area_i + area_j - inter) in float32 with area = (x2-x1)*(y2-y1) (no +1). With classes,
/// only boxes of the same class suppress each other (exact per-class NMS, no coordinate offset).
/// <para>
/// The ranked boxes are gathered into padded structure-of-arrays with precomputed areas; the current kept box is
/// tested against later candidates eight at a time (AVX, the same float operations in the same order as torchvision,
/// no FMA), skipping the division for groups with no intersection; suppressed flags are ints. From
/// <see cref="GridMinBoxes"/> boxes on (finite coordinates, cut &gt;= 0) a uniform grid limits the candidates to boxes
/// sharing a cell with the kept box: a pair whose interiors do not intersect has IoU 0 or NaN and can never be
/// suppressed, so the result is unchanged. The Cuda and Ilgpu backends compute the same IoU bit for bit.
/// </para>
/// </summary>
public static class RankedNms
{
    /// <summary>Inputs below this size scan every later candidate; above it a uniform grid prunes disjoint pairs.</summary>
    public const int GridMinBoxes = 256;

    /// <summary>
    /// Suppression over n = <paramref name="keptRanks"/>-independent boxes in rank order. Rank r's box is
    /// boxes[4*order[r]..] (or boxes[4*r..] when <paramref name="order"/> is empty); its class, when
    /// <paramref name="classes"/> is not empty, is classes[order[r]] (or classes[r]). Writes the kept ranks, ascending,
    /// to <paramref name="keptRanks"/> (at most maxKeep of them) and returns their count.
    /// </summary>
    public static unsafe int Suppress(ReadOnlySpan<float> boxes, ReadOnlySpan<int> order, ReadOnlySpan<int> classes,
                                      int n, float cut, int maxKeep, Span<int> keptRanks)
    {
        if (boxes.Length < 4L * n) throw new ArgumentException($"boxes has {boxes.Length} values, need 4 * {n}");
        if (order.Length != 0 && order.Length < n) throw new ArgumentException($"order has {order.Length} entries, need {n}");
        if (classes.Length != 0 && classes.Length < n) throw new ArgumentException($"classes has {classes.Length} entries, need {n}");
        maxKeep = Math.Min(maxKeep, n);
        if (keptRanks.Length < maxKeep) throw new ArgumentException($"keptRanks has room for {keptRanks.Length}, need {maxKeep}");
        if (n == 0 || maxKeep <= 0) return 0;
        bool byClass = classes.Length != 0;
        int stride = (n + 8 + 7) & ~7;                        // room for a full vector past the last box
        float[] soa = ArrayPool<float>.Shared.Rent(5 * stride);   // x1 | y1 | x2 | y2 | area, in rank order
        int[] suppressed = ArrayPool<int>.Shared.Rent(stride);
        int[]? cls = byClass ? ArrayPool<int>.Shared.Rent(stride) : null;
        Grid? grid = null;
        try
        {
            suppressed.AsSpan(0, stride).Clear();
            bool finite = true;
            for (int r = 0; r < n; r++)
            {
                int i = order.Length != 0 ? order[r] : r;
                float x1 = boxes[4 * i], y1 = boxes[4 * i + 1], x2 = boxes[4 * i + 2], y2 = boxes[4 * i + 3];
                soa[r] = x1;
                soa[stride + r] = y1;
                soa[2 * stride + r] = x2;
                soa[3 * stride + r] = y2;
                soa[4 * stride + r] = (x2 - x1) * (y2 - y1);
                if (cls is not null) cls[r] = classes[i];
                finite &= float.IsFinite(x1) & float.IsFinite(y1) & float.IsFinite(x2) & float.IsFinite(y2);
            }
            for (int k = 0; k < 5; k++) soa.AsSpan(k * stride + n, stride - n).Clear();   // padding lanes
            cls?.AsSpan(n, stride - n).Clear();
            // With a cut >= 0 only pairs with inter > 0 can be suppressed (0/u = 0 or NaN is never > cut >= 0),
            // which lets the scan skip disjoint groups and the grid skip disjoint pairs altogether.
            bool overlapOnly = cut >= 0;
            int nk = 0;
            if (overlapOnly && finite && n >= GridMinBoxes && Avx.IsSupported) grid = Grid.Build(soa, stride, n);
            fixed (float* p = soa)
            fixed (int* sup = suppressed)
            fixed (int* cp = cls)
            {
                float* X1 = p, Y1 = p + stride, X2 = p + 2 * stride, Y2 = p + 3 * stride, AR = p + 4 * stride;
                for (int r = 0; r < n; r++)
                {
                    if (sup[r] != 0) continue;
                    keptRanks[nk++] = r;
                    int j = r + 1;
                    if (j >= n || nk == maxKeep) break;
                    if (grid is not null && !grid.IsBig(r))
                        grid.Suppress(X1[r], Y1[r], X2[r], Y2[r], AR[r], r, sup, cut, cp);
                    else if (Avx.IsSupported)
                        SuppressAvx(X1, Y1, X2, Y2, AR, sup, cp, r, j, n, cut, overlapOnly);
                    else
                        SuppressScalar(X1, Y1, X2, Y2, AR, sup, cp, r, j, n, cut);
                }
            }
            return nk;
        }
        finally
        {
            grid?.Dispose();
            ArrayPool<float>.Shared.Return(soa);
            ArrayPool<int>.Shared.Return(suppressed);
            if (cls is not null) ArrayPool<int>.Shared.Return(cls);
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
        // the big list is the "cell" after the last grid cell (index _gx * _gy)
        private int[] _head = null!, _end = null!, _dead = null!;   // per cell (and big list): live range, deaths seen
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
                int total = g._cellStart[cells + 1];
                g._eStride = total + 8;
                g._entryRank = ip.Rent(g._eStride);
                g._e = ArrayPool<float>.Shared.Rent(5 * g._eStride);
                for (int k = 0; k < 5; k++) g._e.AsSpan(k * g._eStride + total, 8).Clear();
                g._cellStart.AsSpan(0, cells + 1).CopyTo(count);    // fill cursors
                g._head = ip.Rent(cells + 1);
                g._end = ip.Rent(cells + 1);
                g._dead = ip.Rent(cells + 1);
                g._cellStart.AsSpan(0, cells + 1).CopyTo(g._head);
                g._cellStart.AsSpan(1, cells + 1).CopyTo(g._end);
                g._dead.AsSpan(0, cells + 1).Clear();
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
            if (_head is not null) { ArrayPool<int>.Shared.Return(_head); ArrayPool<int>.Shared.Return(_end); ArrayPool<int>.Shared.Return(_dead); }
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

        public void Suppress(float ix1, float iy1, float ix2, float iy2, float iar, int r, int* sup, float cut, int* cls)
        {
            int c0 = CellX(ix1), c1 = CellX(ix2), r0 = CellY(iy1), r1 = CellY(iy2);
            fixed (float* e = _e)
            fixed (int* rank = _entryRank)
            {
                var ctx = new Scan(e, _eStride, rank, ix1, iy1, ix2, iy2, iar, cut, cls, cls is null ? 0 : cls[r]);
                for (int cy = r0; cy <= r1; cy++)
                    for (int cx = c0; cx <= c1; cx++)
                    {
                        int c = cy * _gx + cx;
                        ScanCell(ref ctx, c, r, sup);
                    }
                ScanCell(ref ctx, _gx * _gy, r, sup);
            }
        }

        // Cell c's live entries are [head, end), sorted by rank. Kept boxes come in rank order, so entries ranked
        // <= r are never needed again (head moves past them); once about half the rest is known to be suppressed,
        // the cell is compacted (order kept). Then the entries ranked after r are tested.
        private void ScanCell(ref Scan ctx, int c, int r, int* sup)
        {
            int lo = _head[c], hi = _end[c];
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (ctx.Rank[mid] <= r) lo = mid + 1;
                else hi = mid;
            }
            _head[c] = lo;
            int end = _end[c];
            if (end - lo > 16 && 2 * _dead[c] > end - lo)
            {
                end = Compact(lo, end, sup);
                _end[c] = end;
                _dead[c] = 0;
            }
            _dead[c] += ScanRange(ref ctx, lo, end, sup);
        }

        private int Compact(int lo, int end, int* sup)
        {
            int w = lo;
            int s = _eStride;
            for (int e = lo; e < end; e++)
            {
                int rank = _entryRank[e];
                if (sup[rank] != 0) continue;
                if (w != e)
                {
                    _entryRank[w] = rank;
                    _e[w] = _e[e];
                    _e[s + w] = _e[s + e];
                    _e[2 * s + w] = _e[2 * s + e];
                    _e[3 * s + w] = _e[3 * s + e];
                    _e[4 * s + w] = _e[4 * s + e];
                }
                w++;
            }
            return w;
        }

        // Tests entries [lo, end) against the current box; returns how many it suppressed.
        private static int ScanRange(ref Scan ctx, int lo, int end, int* sup)
        {
            int hits = 0;
            for (int j = lo; j < end; j += 8)
            {
                int mask = ctx.HitMask(j);
                if (mask == 0) continue;
                int valid = end - j;
                if (valid < 8) mask &= (1 << valid) - 1;
                hits += System.Numerics.BitOperations.PopCount((uint)mask);
                while (mask != 0)
                {
                    int lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
                    int rank = ctx.Rank[j + lane];
                    mask &= mask - 1;
                    if (ctx.Cls is not null && ctx.Cls[rank] != ctx.Class) { hits--; continue; }   // other class
                    sup[rank] = -1;
                }
            }
            return hits;
        }

        private readonly struct Scan
        {
            private readonly float* _x1, _y1, _x2, _y2, _ar;
            public readonly int* Rank;
            public readonly int* Cls;                         // class by rank, or null (class-agnostic)
            public readonly int Class;                        // the current box's class
            private readonly Vector256<float> _ix1, _iy1, _ix2, _iy2, _iar, _thr;

            public Scan(float* e, int stride, int* rank, float ix1, float iy1, float ix2, float iy2, float iar, float cut,
                        int* cls, int cls0)
            {
                Cls = cls;
                Class = cls0;
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
    private static unsafe void SuppressAvx(float* X1, float* Y1, float* X2, float* Y2, float* AR, int* sup, int* cls,
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
            if (cls is not null) hit = Avx.And(hit.AsSingle(), SameClass(cls, j, cls[r]).AsSingle()).AsInt32();
            var s = Avx.LoadVector256(sup + j);
            Avx.Store(sup + j, Avx.Or(s.AsSingle(), hit.AsSingle()).AsInt32());
        }
    }

    // Lanes j..j+7 whose class equals c (all ones), else zero.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<int> SameClass(int* cls, int j, int c)
    {
        var v = Avx.LoadVector256(cls + j);
        var k = Vector256.Create(c);
        return Avx2.IsSupported ? Avx2.CompareEqual(v, k) : Vector256.Equals(v, k);
    }

    private static unsafe void SuppressScalar(float* X1, float* Y1, float* X2, float* Y2, float* AR, int* sup, int* cls,
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
            if (ovr > cut && (cls is null || cls[j] == cls[r])) sup[j] = -1;
        }
    }
}
