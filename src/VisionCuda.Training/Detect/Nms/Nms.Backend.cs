using VisionCuda.Backends;

namespace VisionCuda.Training.Detect.Nms;

/// <summary>
/// The same NMS through a backend's <see cref="IDetectionOps.NmsRanked"/> op (the Cuda bitmask kernels, ILGPU, or the Cpu
/// core): scores are ranked on the host (the same stable radix sort), the ranked boxes (and classes) are uploaded,
/// the mask and its walk run on the backend, and only the kept ranks come back. The kept indices are exactly those
/// of the host overloads.
/// </summary>
public static partial class Nms
{
    /// <summary>torchvision.ops.nms on <paramref name="backend"/>; see <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{float}, double)"/>.</summary>
    public static int[] Run(IBackend backend, ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, double iouThreshold)
    {
        Check(boxesXyxy, scores);
        int[] order = RankByScore(scores);
        return SuppressOn(backend, boxesXyxy, ReadOnlySpan<int>.Empty, order, FloatCut(iouThreshold), order.Length);
    }

    /// <summary>
    /// torchvision.ops.batched_nms on <paramref name="backend"/>, with torchvision's two paths as in
    /// <see cref="Batched(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, double)"/>: the coordinate
    /// offset (added on the host) for n*4 &lt;= 4000, exact per-class suppression (classes passed to the op) above.
    /// </summary>
    public static int[] Batched(IBackend backend, ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes, double iouThreshold)
    {
        Check(boxesXyxy, scores);
        if (classes.Length != scores.Length) throw new ArgumentException($"classes has {classes.Length} entries, scores {scores.Length}");
        if (4L * scores.Length > 4000) return PerClass(backend, boxesXyxy, scores, classes, iouThreshold);
        return Run(backend, OffsetByClass(boxesXyxy, classes), scores, iouThreshold);
    }

    /// <summary>Per-class NMS on <paramref name="backend"/>; see <see cref="PerClass(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, double)"/>.</summary>
    public static int[] PerClass(IBackend backend, ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes, double iouThreshold)
    {
        Check(boxesXyxy, scores);
        if (classes.Length != scores.Length) throw new ArgumentException($"classes has {classes.Length} entries, scores {scores.Length}");
        int[] order = RankByScore(scores);
        return SuppressOn(backend, boxesXyxy, classes, order, FloatCut(iouThreshold), order.Length);
    }

    /// <summary>
    /// Suppression of the boxes taken in <paramref name="order"/> (rank r = box order[r]) on the backend; classes empty
    /// for class-agnostic NMS. Returns the kept box indices (order[r] of the kept ranks), at most maxKeep.
    /// </summary>
    internal static int[] SuppressOn(IBackend backend, ReadOnlySpan<float> boxesXyxy, ReadOnlySpan<int> classes,
                                     ReadOnlySpan<int> order, float cut, int maxKeep)
    {
        int n = order.Length;
        int room = Math.Max(0, Math.Min(n, maxKeep));
        if (room == 0) return Array.Empty<int>();
        var ranked = new float[4 * n];
        for (int r = 0; r < n; r++) boxesXyxy.Slice(4 * order[r], 4).CopyTo(ranked.AsSpan(4 * r, 4));
        int[]? rankedClasses = null;
        if (!classes.IsEmpty)
        {
            rankedClasses = new int[n];
            for (int r = 0; r < n; r++) rankedClasses[r] = classes[order[r]];
        }
        Storage? b = null, c = null, keep = null, count = null;
        try
        {
            b = backend.Allocate(4L * n);
            backend.Upload<float>(ranked, b);
            if (rankedClasses is not null)
            {
                c = backend.Allocate(n, DType.Int32);
                backend.Upload<int>(rankedClasses, c);
            }
            keep = backend.Allocate(room, DType.Int32);
            count = backend.Allocate(1, DType.Int32);
            backend.Detection().NmsRanked(b, c, n, cut, room, keep, count);
            var nk = new int[1];
            backend.Download<int>(count, nk);
            if (nk[0] < 0 || nk[0] > room) throw new InvalidOperationException($"{backend.Name} NMS returned {nk[0]} kept boxes (at most {room})");
            var kept = new int[nk[0]];
            backend.Download<int>(keep, kept);
            for (int k = 0; k < kept.Length; k++) kept[k] = order[kept[k]];
            return kept;
        }
        finally
        {
            b?.Release();
            c?.Release();
            keep?.Release();
            count?.Release();
        }
    }
}
