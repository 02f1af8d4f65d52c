namespace VisionCuda.Backends;

public partial interface IDetectionOps
{
    // ---- detection: non-maximum suppression -------------------------------------------------------------------

    /// <summary>
    /// The suppression step of NMS on <paramref name="n"/> boxes the caller already put in rank order (score
    /// descending, equal scores by the lower index first): <paramref name="boxes"/> [n, 4] x1, y1, x2, y2. Walking the
    /// ranks in order, a box not yet suppressed is kept and suppresses every later box j with
    /// IoU = inter / (area_i + area_j - inter) &gt; <paramref name="iouCut"/>, in float32 with area = (x2-x1)*(y2-y1)
    /// (torchvision's order of operations, no fused multiply-add, so every backend gives bitwise the same IoU).
    /// With <paramref name="classes"/> (Int32 [n]) boxes of different classes never suppress each other (exact
    /// per-class NMS). Writes the kept ranks, ascending, to <paramref name="keep"/> (Int32, room for
    /// min(n, maxKeep)) and their count to <paramref name="keepCount"/> (Int32 [1]); the walk stops after
    /// <paramref name="maxKeep"/> kept boxes. Entries of keep past the count are left as they were.
    /// <para>
    /// torchvision compares the float IoU with a double threshold t; "iou &gt; t" equals "iou &gt; f" for the float f
    /// rounded down from t (<see cref="NmsThreshold.FloatCut"/>), which is what this op takes.
    /// </para>
    /// </summary>
    void NmsRanked(Storage boxes, Storage? classes, int n, float iouCut, int maxKeep, Storage keep, Storage keepCount);
}
