using VisionCuda.Autograd;
using VisionCuda.Models.Yolo;

namespace VisionCuda.Training.Detect.Loss;

// Design notes
// - YOLOv8's detection loss (v8DetectionLoss semantics):
//   1. raw level outputs [B, 4R + nc, H, W] -> [B, 4R + nc, A]; box logits -> DFL expectation -> ltrb distances ->
//      xyxy boxes in grid units around the anchor centres;
//   2. TaskAlignedAssigner on the host, per image, with sigmoid scores and the detached boxes in pixels; targets
//      (image, class, cx, cy, w, h normalised) are scaled to the image size and converted to xyxy pixels;
//   3. cls = sum BCE-with-logits(cls logits, target scores) [* class weight] / target_scores_sum;
//      box = sum over foreground of (1 - CIoU(pred, target / stride)) * score / target_scores_sum;
//      dfl = sum over foreground of mean over 4 sides of DFL(ltrb target clamped to [0, R - 1.01]) * score / tss;
//      with target_scores_sum = max(sum of target scores, 1); gains box 7.5, cls 0.5, dfl 1.5;
//      total = (box + cls + dfl) * B (as Ultralytics; the per-image components are reported too).
// - Every differentiable step is an F op on the predictions' backend. Instead of gathering foreground anchors, the
//   loss runs over all anchors with host-built weights that are zero on background (CIoU is finite everywhere: the
//   background targets are dummy unit boxes), so no gather/scatter op is needed on any backend.
// - Host work per step: download dist [B, 4, A] and class logits [B, nc, A]; upload target scores [B, nc, A], box
//   targets and weights [B, A] x 5, DFL bins and weights [B, 4, A] x 4.

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
        var proj = Tensor.FromArray(Enumerable.Range(0, r).Select(i => (float)i).ToArray(), new[] { 1, 1, r, 1 }, be);
        var dist = F.Sum(F.Mul(F.Softmax(F.Reshape(boxLogits, b, 4, r, a), 2), proj), 2);   // [B, 4, A], grid units

        // ---- assignment on the host
        float[] distH, clsH;
        using (GradMode.NoGrad())
        {
            distH = dist.ToArray();
            clsH = clsLogits.ToArray();
        }
        var assignments = new Assignment[b];
        var ancPxX = new float[a];
        var ancPxY = new float[a];
        for (int k = 0; k < a; k++)
        {
            ancPxX[k] = anchors.X[k] * anchors.Stride[k];
            ancPxY[k] = anchors.Y[k] * anchors.Stride[k];
        }
        var perImage = Enumerable.Range(0, b).Select(i => new List<int>()).ToArray();
        for (int t = 0; t < targets.Count; t++)
        {
            int img = targets.BatchIndex[t];
            if ((uint)img >= (uint)b) throw new ArgumentException($"DetectionLoss: target {t} has image index {img}, batch size is {b}");
            perImage[img].Add(t);
        }
        Parallel.For(0, b, img =>
        {
            var scores = new float[Nc * a];
            for (int i = 0; i < scores.Length; i++) scores[i] = 1f / (1f + MathF.Exp(-clsH[img * Nc * a + i]));
            var boxes = new float[4 * a];
            int d0 = img * 4 * a;
            for (int k = 0; k < a; k++)
            {
                float s = anchors.Stride[k];
                boxes[k] = (anchors.X[k] - distH[d0 + k]) * s;
                boxes[a + k] = (anchors.Y[k] - distH[d0 + a + k]) * s;
                boxes[2 * a + k] = (anchors.X[k] + distH[d0 + 2 * a + k]) * s;
                boxes[3 * a + k] = (anchors.Y[k] + distH[d0 + 3 * a + k]) * s;
            }
            var idx = perImage[img];
            var gtCls = new int[idx.Count];
            var gtBox = new float[4 * idx.Count];
            for (int j = 0; j < idx.Count; j++)
            {
                int t = idx[j];
                gtCls[j] = targets.Classes[t];
                float cx = targets.Boxes[4 * t] * imageWidth, cy = targets.Boxes[4 * t + 1] * imageHeight;
                float w = targets.Boxes[4 * t + 2] * imageWidth, h = targets.Boxes[4 * t + 3] * imageHeight;
                gtBox[4 * j] = cx - w / 2;
                gtBox[4 * j + 1] = cy - h / 2;
                gtBox[4 * j + 2] = cx + w / 2;
                gtBox[4 * j + 3] = cy + h / 2;
            }
            assignments[img] = _assigner.Assign(scores, boxes, ancPxX, ancPxY, gtCls, gtBox);
        });
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
        var tx1 = new float[b * a];
        var ty1 = new float[b * a];
        var tx2 = new float[b * a];
        var ty2 = new float[b * a];
        var dfl = new DflTargets(b * 4 * a);
        for (int img = 0; img < b; img++)
        {
            var asg = assignments[img];
            for (int k = 0; k < a; k++)
            {
                int i = img * a + k;
                float ax = anchors.X[k], ay = anchors.Y[k];
                if (!asg.Foreground[k])
                {
                    tx1[i] = ax - 0.5f; ty1[i] = ay - 0.5f; tx2[i] = ax + 0.5f; ty2[i] = ay + 0.5f;   // dummy, weight 0
                    continue;
                }
                targetScores[(img * Nc + asg.Label[k]) * a + k] = asg.Score[k];
                boxWeight[i] = asg.Score[k] / tss;
                float s = anchors.Stride[k];
                tx1[i] = asg.Boxes[4 * k] / s;
                ty1[i] = asg.Boxes[4 * k + 1] / s;
                tx2[i] = asg.Boxes[4 * k + 2] / s;
                ty2[i] = asg.Boxes[4 * k + 3] / s;
                float wSide = asg.Score[k] / (4f * tss);
                dfl.Set((img * 4 + 0) * a + k, ax - tx1[i], r, wSide);
                dfl.Set((img * 4 + 1) * a + k, ay - ty1[i], r, wSide);
                dfl.Set((img * 4 + 2) * a + k, tx2[i] - ax, r, wSide);
                dfl.Set((img * 4 + 3) * a + k, ty2[i] - ay, r, wSide);
            }
        }

        // ---- differentiable terms (F ops)
        var bce = F.BinaryCrossEntropyWithLogits(clsLogits, Tensor.FromArray(targetScores, new[] { b, Nc, a }, be), Reduction.None);
        if (Options.ClassWeights is { } cw) bce = bce * Tensor.FromArray((float[])cw.Clone(), new[] { 1, Nc, 1 }, be);
        var lossCls = F.Sum(bce) / tss;

        var ax1 = Tensor.FromArray(anchors.X, new[] { 1, 1, a }, be);
        var ay1 = Tensor.FromArray(anchors.Y, new[] { 1, 1, a }, be);
        var pred = new BoxTensors(ax1 - F.Narrow(dist, 1, 0, 1), ay1 - F.Narrow(dist, 1, 1, 1),
                                  ax1 + F.Narrow(dist, 1, 2, 1), ay1 + F.Narrow(dist, 1, 3, 1));
        int[] ba = { b, 1, a };
        var tgt = new BoxTensors(Tensor.FromArray(tx1, ba, be), Tensor.FromArray(ty1, ba, be), Tensor.FromArray(tx2, ba, be), Tensor.FromArray(ty2, ba, be));
        var ciou = BoxIou.Ciou(pred, tgt);
        var lossBox = F.Sum((1f - ciou) * Tensor.FromArray(boxWeight, ba, be));

        var dflTerms = DflLoss.Terms(F.Reshape(boxLogits, b * 4, r, a), dfl, new[] { b * 4, a });
        var lossDfl = F.Sum(dflTerms);

        var box = lossBox * Options.Box;
        var cls = lossCls * Options.Cls;
        var dflG = lossDfl * Options.Dfl;
        var total = (box + cls + dflG) * (float)b;
        return new DetectionLossResult(total, box.Item(), cls.Item(), dflG.Item(), fgCount);
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
