using VisionCuda.Backends;

namespace VisionCuda.Training.Detect.Nms;

/// <summary>One detection: a box in pixels (x1, y1, x2, y2), its confidence and its class.</summary>
public readonly record struct Detection(float X1, float Y1, float X2, float Y2, float Score, int Class);

/// <summary>
/// Detection post-processing in the manner of Ultralytics' non_max_suppression, on the host:
/// <list type="number">
/// <item>candidates: anchors whose best class score is &gt; conf (with multiLabel: every (anchor, class) pair with
///   score &gt; conf, anchor-major as torch.where gives them);</item>
/// <item>box cx, cy, w, h -> x1 = cx - w/2, y1 = cy - h/2, x2 = cx + w/2, y2 = cy + h/2 (float32);</item>
/// <item>more than maxNms candidates: the maxNms highest scores, reordered by score (stable);</item>
/// <item>NMS per class (<see cref="Nms.PerClass"/>: exact IoU, no coordinate offset; Ultralytics adds
///   class * 7680 and calls torchvision's nms, which agrees up to float rounding), or class-agnostic
///   (<see cref="Nms.Run(ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/>);</item>
/// <item>the first maxDet kept, by score descending (ties: the earlier candidate).</item>
/// </list>
/// Best class: the first class with the largest score (torch max). Coordinates stay in the model's input pixels.
/// <para>
/// Given a backend whose storages are not host memory (<see cref="BackendCapabilities.HostMemory"/>), step 4 runs on it (<see cref="IDetectionOps.NmsRanked"/>, e.g. the Cuda bitmask
/// kernels): the candidates are ranked on the host, their boxes (and classes unless agnostic) uploaded, and only the
/// first maxDet kept indices come back. The detections are identical to the host path's.
/// </para>
/// </summary>
public static class NonMaxSuppression
{
    /// <summary>
    /// predictions: [batch, 4 + nc, anchors] row-major (the YOLO model's Forward output): rows 0..3 are cx, cy, w, h
    /// in pixels, rows 4.. the nc class scores. Returns one array of detections per image.
    /// </summary>
    public static Detection[][] Apply(ReadOnlySpan<float> predictions, int batch, int nc, int anchors,
                                      float conf = 0.25f, float iou = 0.7f, int maxDet = 300, int maxNms = 30000,
                                      bool agnostic = false, bool multiLabel = false, IBackend? backend = null)
    {
        if (batch < 0 || nc <= 0 || anchors < 0) throw new ArgumentException($"bad shape [{batch}, 4 + {nc}, {anchors}]");
        long per = (long)(4 + nc) * anchors;
        if (predictions.Length != batch * per)
            throw new ArgumentException($"predictions has {predictions.Length} values, expected [{batch}, {4 + nc}, {anchors}] = {batch * per}");
        if (maxDet < 0 || maxNms < 0) throw new ArgumentException("maxDet and maxNms must be >= 0");
        double iouThreshold = Nms.DecimalThreshold(iou);
        var result = new Detection[batch][];
        for (int b = 0; b < batch; b++)
            result[b] = ApplyImage(predictions.Slice((int)(b * per), (int)per), nc, anchors, conf, iouThreshold, maxDet, maxNms, agnostic, multiLabel,
                                   backend is { Capabilities.HostMemory: true } ? null : backend);
        return result;
    }

    /// <summary>
    /// As the span overload, for a tensor [batch, 4 + nc, anchors] on any backend: copied to the host for the candidate
    /// selection, the suppression then runs on the tensor's backend.
    /// </summary>
    public static Detection[][] Apply(Tensor predictions, float conf = 0.25f, float iou = 0.7f, int maxDet = 300,
                                      int maxNms = 30000, bool agnostic = false, bool multiLabel = false)
    {
        if (predictions.Rank != 3 || predictions.Shape[1] <= 4)
            throw new ArgumentException($"predictions must be [batch, 4 + nc, anchors], got {predictions}");
        return Apply(predictions.ToArray(), predictions.Shape[0], predictions.Shape[1] - 4, predictions.Shape[2],
                     conf, iou, maxDet, maxNms, agnostic, multiLabel, predictions.Backend);
    }

    private static Detection[] ApplyImage(ReadOnlySpan<float> p, int nc, int anchors, float conf, double iou,
                                          int maxDet, int maxNms, bool agnostic, bool multiLabel, IBackend? device)
    {
        // 1. candidates (anchor, class, score)
        var candAnchor = new List<int>();
        var candClass = new List<int>();
        var candScore = new List<float>();
        var cls = p.Slice(4 * anchors);
        for (int a = 0; a < anchors; a++)
        {
            if (multiLabel)
            {
                for (int c = 0; c < nc; c++)
                {
                    float s = cls[c * anchors + a];
                    if (s > conf) { candAnchor.Add(a); candClass.Add(c); candScore.Add(s); }
                }
            }
            else
            {
                float best = cls[a];
                int bc = 0;
                for (int c = 1; c < nc; c++)
                {
                    float s = cls[c * anchors + a];
                    if (s > best || (float.IsNaN(s) && !float.IsNaN(best))) { best = s; bc = c; }
                }
                if (best > conf) { candAnchor.Add(a); candClass.Add(bc); candScore.Add(best); }
            }
        }
        int n = candScore.Count;
        if (n == 0 || maxDet == 0) return Array.Empty<Detection>();
        // 2. the maxNms best, reordered by score
        int[] pick;
        if (n > maxNms)
        {
            int[] rank = Nms.RankByScore(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candScore));
            pick = rank.AsSpan(0, maxNms).ToArray();
            n = maxNms;
        }
        else
        {
            pick = new int[n];
            for (int i = 0; i < n; i++) pick[i] = i;
        }
        // 3. xyxy boxes
        var boxes = new float[4 * n];
        var scores = new float[n];
        var classes = new int[n];
        for (int k = 0; k < n; k++)
        {
            int i = pick[k];
            int a = candAnchor[i];
            float cx = p[a], cy = p[anchors + a], w = p[2 * anchors + a], h = p[3 * anchors + a];
            float dw = w / 2f, dh = h / 2f;
            boxes[4 * k] = cx - dw;
            boxes[4 * k + 1] = cy - dh;
            boxes[4 * k + 2] = cx + dw;
            boxes[4 * k + 3] = cy + dh;
            scores[k] = candScore[i];
            classes[k] = candClass[i];
        }
        // 4. NMS, 5. maxDet
        int[] kept = device is not null
            ? Nms.SuppressOn(device, boxes, agnostic ? ReadOnlySpan<int>.Empty : classes, Nms.RankByScore(scores), Nms.FloatCut(iou), maxDet)
            : agnostic ? Nms.Run(boxes, scores, iou) : Nms.PerClass(boxes, scores, classes, iou);
        int m = Math.Min(kept.Length, maxDet);
        var dets = new Detection[m];
        for (int r = 0; r < m; r++)
        {
            int k = kept[r];
            dets[r] = new Detection(boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3], scores[k], classes[k]);
        }
        return dets;
    }
}
