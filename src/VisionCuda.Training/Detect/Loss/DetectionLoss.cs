using VisionCuda.Autograd;
using VisionCuda.Backends;
using VisionCuda.Models.Yolo;

namespace VisionCuda.Training.Detect.Loss;

// Design notes
// - YOLOv8's detection loss (v8DetectionLoss semantics):
//   1. raw level outputs [B, 4R + nc, H, W] -> [B, 4R + nc, A]; box logits -> DFL expectation (F.DflDecode) -> ltrb
//      distances -> xyxy boxes [B, 4, A] in grid units around the anchor centres;
//   2. TaskAlignedAssigner with sigmoid scores and the detached boxes in pixels: its dense inside/overlap/metric
//      arrays [B, G, A] come from F.AssignerMetrics on the predictions' backend (G = the most gts of any image, the
//      rest padding), its top-k, conflict resolution and normalisation run on the host per image; targets
//      (image, class, cx, cy, w, h normalised) are scaled to the image size and converted to xyxy pixels;
//   3. cls = sum BCE-with-logits(cls logits, target scores) [* class weight] / target_scores_sum;
//      box = sum over foreground of (1 - CIoU(pred, target / stride)) * score / target_scores_sum   (F.Ciou);
//      dfl = sum over foreground of mean over 4 sides of DFL(ltrb target clamped to [0, R - 1.01]) * score / tss
//      (F.DflLoss, fused: one log-softmax per position inside the kernel);
//      with target_scores_sum = max(sum of target scores, 1); gains box 7.5, cls 0.5, dfl 1.5;
//      total = (box + cls + dfl) * B (as Ultralytics; the per-image components are reported too).
// - Every differentiable step is an F op on the predictions' backend. Instead of gathering foreground anchors, the
//   loss runs over all anchors with host-built weights that are zero on background (CIoU is finite everywhere: the
//   background targets are dummy unit boxes), so no gather/scatter op is needed on any backend.
// - Host work per step: upload the padded gts (boxes, classes, counts); download inside/overlap/metric [B, G, A];
//   upload target scores [B, nc, A], target boxes [B, 4, A], box weights [B, A], DFL target distances and weights
//   [B*4, A]. On the Cpu backend the metrics are bitwise those of TaskAlignedAssigner.Assign (same BoxMath formulas).

/// <summary>Gains and options of <see cref="DetectionLoss"/> (Ultralytics' box, cls, dfl, cls_weights).</summary>
public sealed record DetectionLossOptions
{
    public float Box { get; init; } = 7.5f;

    public float Cls { get; init; } = 0.5f;

    public float Dfl { get; init; } = 1.5f;

    /// <summary>Per-class multipliers of the BCE term (null: all 1).</summary>
    public float[]? ClassWeights { get; init; }

    public int TopK { get; init; } = 10;

    public float Alpha { get; init; } = 0.5f;

    public float Beta { get; init; } = 6.0f;
}

/// <summary>Total (for backward; already multiplied by the batch size) and the per-image components with gains applied.</summary>
public sealed record DetectionLossResult(Tensor Total, float Box, float Cls, float Dfl, int Foreground);

/// <summary>YOLOv8 detection loss (see the design notes at the top of the file).</summary>
public sealed class DetectionLoss
{
    private readonly TaskAlignedAssigner _assigner;
    private YoloAnchors? _anchors;
    private string _anchorKey = "";
    private AnchorGeometry? _geometry;
    private YoloAnchors? _geometryAnchors;
    private IBackend? _geometryBackend;

    public DetectionLoss(YoloModel model, DetectionLossOptions? options = null)
        : this(model.Nc, model.Strides, model.RegMax, options)
    {
    }

    public DetectionLoss(int nc, IReadOnlyList<int> strides, int regMax = 16, DetectionLossOptions? options = null)
    {
        Nc = nc;
        Strides = strides.ToArray();
        RegMax = regMax;
        Options = options ?? new DetectionLossOptions();
        if (Options.ClassWeights is { } cw && cw.Length != nc)
            throw new ArgumentException($"cls_weights has {cw.Length} values but the model has {nc} classes");
        _assigner = new TaskAlignedAssigner(nc, Options.TopK, Options.Alpha, Options.Beta);
    }

    public int Nc { get; }

    public int[] Strides { get; }

    public int RegMax { get; }

    public DetectionLossOptions Options { get; }

    /// <summary>The assignments of the last <see cref="Compute"/>, one per image (for tests and diagnostics).</summary>
    public IReadOnlyList<Assignment> LastAssignments { get; private set; } = Array.Empty<Assignment>();

    /// <summary>The target_scores_sum of the last <see cref="Compute"/>.</summary>
    public float LastTargetScoresSum { get; private set; }

    /// <summary>
    /// The loss of raw level outputs (YoloModel.ForwardLevels) against <paramref name="targets"/>. The image size is
    /// level 0's size times stride 0 unless given.
    /// </summary>
    public DetectionLossResult Compute(IReadOnlyList<Tensor> levels, DetectionTargets targets, int imageHeight = 0, int imageWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(targets);
        if (levels.Count != Strides.Length) throw new ArgumentException($"DetectionLoss: {levels.Count} levels but {Strides.Length} strides");
        int b = levels[0].Shape[0], no = 4 * RegMax + Nc, r = RegMax;
        foreach (var l in levels)
            if (l.Rank != 4 || l.Shape[0] != b || l.Shape[1] != no)
                throw new ArgumentException($"DetectionLoss: level outputs must be [{b}, {no}, H, W], got {Shapes.Format(l.Shape)}");
        if (imageHeight <= 0) imageHeight = levels[0].Shape[2] * Strides[0];
        if (imageWidth <= 0) imageWidth = levels[0].Shape[3] * Strides[0];
        var be = levels[0].Backend;
        var anchors = AnchorsFor(levels);
        int a = anchors.Count;

        var flat = F.Concat(levels.Select(l => F.Reshape(l, b, no, -1)).ToArray(), 2);
        var boxLogits = F.Narrow(flat, 1, 0, 4 * r);
        var clsLogits = F.Narrow(flat, 1, 4 * r, Nc);
        var boxLogitsR = F.Reshape(boxLogits, b * 4, r, a);
        var dist = F.Reshape(F.DflDecode(boxLogitsR), b, 4, a);   // [B, 4, A], grid units

        // Predicted xyxy boxes in grid units, [B, 4, A]: anchor + sign * dist, signs (-1, -1, +1, +1) per coordinate
        // (anchor + (-d) is exactly anchor - d in float32: from the same dist, the px boxes below are bitwise the ones
        // the host assigner computed before).
        var geo = GeometryFor(anchors, be);
        var pred = F.Add(geo.Centres, F.Mul(dist, geo.Signs));

        // ---- assignment: dense metrics on the predictions' backend, top-k on the host
        var perImage = Enumerable.Range(0, b).Select(i => new List<int>()).ToArray();
        for (int t = 0; t < targets.Count; t++)
        {
            int img = targets.BatchIndex[t];
            if ((uint)img >= (uint)b) throw new ArgumentException($"DetectionLoss: target {t} has image index {img}, batch size is {b}");
            int c = targets.Classes[t];
            if ((uint)c >= (uint)Nc) throw new ArgumentOutOfRangeException(nameof(targets), $"gt class {c} is not in [0, {Nc})");
            perImage[img].Add(t);
        }
        int maxGts = perImage.Max(l => l.Count);
        var gtCls = new int[b * Math.Max(maxGts, 1)];
        var gtBox = new float[b * Math.Max(maxGts, 1) * 4];
        var gtCount = new int[b];
        for (int img = 0; img < b; img++)
        {
            var idx = perImage[img];
            gtCount[img] = idx.Count;
            for (int j = 0; j < idx.Count; j++)
            {
                int t = idx[j], at = img * maxGts + j;
                gtCls[at] = targets.Classes[t];
                float cx = targets.Boxes[4 * t] * imageWidth, cy = targets.Boxes[4 * t + 1] * imageHeight;
                float w = targets.Boxes[4 * t + 2] * imageWidth, h = targets.Boxes[4 * t + 3] * imageHeight;
                gtBox[4 * at] = cx - w / 2;
                gtBox[4 * at + 1] = cy - h / 2;
                gtBox[4 * at + 2] = cx + w / 2;
                gtBox[4 * at + 3] = cy + h / 2;
            }
        }
        var assignments = new Assignment[b];
        if (maxGts == 0)
        {
            for (int img = 0; img < b; img++) assignments[img] = new Assignment(a);
        }
        else
        {
            int[] insideH;
            float[] overlapH, metricH;
            using (GradMode.NoGrad())
            {
                var scores = F.Sigmoid(clsLogits);
                var predPx = F.Mul(pred, geo.Strides);
                var m = F.AssignerMetrics(scores, predPx, geo.AnchorsPx, Tensor.FromArray(gtBox, new[] { b, maxGts, 4 }, be),
                    Tensor.FromArray(gtCls, new[] { b, maxGts }, be), Tensor.FromArray(gtCount, new[] { b }, be),
                    Options.Alpha, Options.Beta, _assigner.Eps);
                insideH = new int[m.Inside.Numel];
                be.Download<int>(m.Inside.Storage, insideH);
                overlapH = m.Overlap.ToArray();
                metricH = m.Metric.ToArray();
            }
            Parallel.For(0, b, img =>
            {
                int n = gtCount[img], off = img * maxGts * a, g0 = img * maxGts;
                assignments[img] = _assigner.AssignFromMetrics(insideH.AsSpan(off, n * a), overlapH.AsSpan(off, n * a), metricH.AsSpan(off, n * a), a,
                    gtCls.AsSpan(g0, n), gtBox.AsSpan(4 * g0, 4 * n));
            });
        }
        LastAssignments = assignments;

        // ---- host-built targets and weights
        double scoreSum = 0;
        int fgCount = 0;
        foreach (var asg in assignments)
            for (int k = 0; k < a; k++)
                if (asg.Foreground[k]) { scoreSum += asg.Score[k]; fgCount++; }
        float tss = (float)Math.Max(scoreSum, 1.0);
        LastTargetScoresSum = tss;

        var targetScores = new float[b * Nc * a];
        var boxWeight = new float[b * a];
        var tBox = new float[b * 4 * a];       // [B, 4, A] target boxes, grid units
        var dflTarget = new float[b * 4 * a];  // [B*4, A] ltrb target distances
        var dflWeight = new float[b * 4 * a];
        for (int img = 0; img < b; img++)
        {
            var asg = assignments[img];
            int t0 = img * 4 * a;
            for (int k = 0; k < a; k++)
            {
                float ax = anchors.X[k], ay = anchors.Y[k];
                if (!asg.Foreground[k])
                {
                    // dummy unit box around the anchor, weight 0 (CIoU stays finite, DFL reads nothing)
                    tBox[t0 + k] = ax - 0.5f; tBox[t0 + a + k] = ay - 0.5f; tBox[t0 + 2 * a + k] = ax + 0.5f; tBox[t0 + 3 * a + k] = ay + 0.5f;
                    continue;
                }
                targetScores[(img * Nc + asg.Label[k]) * a + k] = asg.Score[k];
                boxWeight[img * a + k] = asg.Score[k] / tss;
                float s = anchors.Stride[k];
                float x1 = asg.Boxes[4 * k] / s, y1 = asg.Boxes[4 * k + 1] / s, x2 = asg.Boxes[4 * k + 2] / s, y2 = asg.Boxes[4 * k + 3] / s;
                tBox[t0 + k] = x1; tBox[t0 + a + k] = y1; tBox[t0 + 2 * a + k] = x2; tBox[t0 + 3 * a + k] = y2;
                float wSide = asg.Score[k] / (4f * tss);
                dflTarget[t0 + k] = ax - x1;
                dflTarget[t0 + a + k] = ay - y1;
                dflTarget[t0 + 2 * a + k] = x2 - ax;
                dflTarget[t0 + 3 * a + k] = y2 - ay;
                for (int c = 0; c < 4; c++) dflWeight[t0 + c * a + k] = wSide;
            }
        }

        // ---- differentiable terms (F ops on the predictions' backend)
        var bce = F.BinaryCrossEntropyWithLogits(clsLogits, Tensor.FromArray(targetScores, new[] { b, Nc, a }, be), Reduction.None);
        if (Options.ClassWeights is { } cw) bce = bce * Tensor.FromArray((float[])cw.Clone(), new[] { 1, Nc, 1 }, be);
        var lossCls = F.Sum(bce) / tss;

        var ciou = F.Ciou(pred, Tensor.FromArray(tBox, new[] { b, 4, a }, be));   // [B, A]
        var lossBox = F.Sum((1f - ciou) * Tensor.FromArray(boxWeight, new[] { b, a }, be));

        int[] sides = { b * 4, a };
        var lossDfl = F.Sum(F.DflLoss(boxLogitsR, Tensor.FromArray(dflTarget, sides, be), Tensor.FromArray(dflWeight, sides, be)));

        var box = lossBox * Options.Box;
        var cls = lossCls * Options.Cls;
        var dflG = lossDfl * Options.Dfl;
        var total = (box + cls + dflG) * (float)b;
        return new DetectionLossResult(total, box.Item(), cls.Item(), dflG.Item(), fgCount);
    }

    /// <summary>Per-anchor constants on the backend: centres [1, 4, A] (x, y, x, y, grid units), signs [1, 4, 1], strides [1, 1, A], anchors [2, A] px.</summary>
    private sealed record AnchorGeometry(Tensor Centres, Tensor Signs, Tensor Strides, Tensor AnchorsPx);

    private AnchorGeometry GeometryFor(YoloAnchors anchors, IBackend be)
    {
        if (_geometry is { } g && ReferenceEquals(_geometryAnchors, anchors) && ReferenceEquals(_geometryBackend, be)) return g;
        int a = anchors.Count;
        var centres = new float[4 * a];
        var px = new float[2 * a];
        for (int k = 0; k < a; k++)
        {
            centres[k] = centres[2 * a + k] = anchors.X[k];
            centres[a + k] = centres[3 * a + k] = anchors.Y[k];
            px[k] = anchors.X[k] * anchors.Stride[k];
            px[a + k] = anchors.Y[k] * anchors.Stride[k];
        }
        // cached across steps, so kept out of the caller's dispose scope
        g = new AnchorGeometry(Tensor.FromArray(centres, new[] { 1, 4, a }, be).DetachFromScope(),
            Tensor.FromArray(new[] { -1f, -1f, 1f, 1f }, new[] { 1, 4, 1 }, be).DetachFromScope(),
            Tensor.FromArray((float[])anchors.Stride.Clone(), new[] { 1, 1, a }, be).DetachFromScope(),
            Tensor.FromArray(px, new[] { 2, a }, be).DetachFromScope());
        // The replaced constants are not disposed: a graph built before the image size changed may still hold them
        // for its backward (7A floats in all; storages left undisposed are reclaimed by their finalizers).
        _geometry = g;
        _geometryAnchors = anchors;
        _geometryBackend = be;
        return g;
    }

    private YoloAnchors AnchorsFor(IReadOnlyList<Tensor> levels)
    {
        var sizes = YoloAnchors.SizesOf(levels);
        var key = string.Join(",", sizes);
        if (_anchors is null || key != _anchorKey)
        {
            _anchors = YoloAnchors.Make(sizes, Strides);
            _anchorKey = key;
        }
        return _anchors;
    }
}
