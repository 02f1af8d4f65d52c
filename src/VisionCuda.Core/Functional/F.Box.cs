using VisionCuda.Backends;

namespace VisionCuda;

/// <summary>Results of <see cref="F.AssignerMetrics"/>, each [B, G, A]: inside is Int32 0/1.</summary>
public sealed record AssignerMetricTensors(Tensor Inside, Tensor Overlap, Tensor Metric);

public static partial class F
{
    /// <summary>
    /// CIoU of xyxy boxes, elementwise: <paramref name="pred"/> and <paramref name="target"/> of the same shape, with the
    /// four coordinates on <paramref name="dim"/> (size 4), e.g. [n, 4] with dim 1 or [B, 4, A] with dim 1. The result
    /// drops that dim. Differentiable in pred only (alpha constant in the backward, as YOLOv8's bbox_iou).
    /// </summary>
    public static Tensor Ciou(Tensor pred, Tensor target, int dim = 1, float eps = BoxMath.CiouEps)
    {
        RequireFloat(pred, "Ciou");
        RequireFloat(target, "Ciou");
        RequireSameBackend("Ciou", pred, target);
        RequireShape(target, pred.Shape, "Ciou", "target");
        int d = Shapes.NormalizeDim(dim, pred.Rank);
        if (pred.Shape[d] != 4) throw new ArgumentException($"Ciou: dim {dim} of {Shapes.Format(pred.Shape)} must hold the 4 coordinates");
        var (outer, _, inner) = Shapes.AroundDim(pred.Shape, d);
        var be = pred.Backend;
        var y = New(be, pred.Shape.Where((_, i) => i != d).ToArray());
        be.Detection().Ciou(pred.Storage, target.Storage, y.Storage, outer, inner, eps);
        return Record("Ciou", y, new Tensor?[] { pred, null }, g =>
        {
            var dp = NewLike(pred);
            be.Detection().CiouBackward(pred.Storage, target.Storage, g.Storage, dp.Storage, outer, inner, eps);
            return new Tensor?[] { dp, null };
        });
    }

    /// <summary>Pairwise IoU of xyxy boxes [n, 4] and [m, 4] into [n, m] (torchvision box_iou). No gradient.</summary>
    public static Tensor BoxIou(Tensor a, Tensor b)
    {
        RequireFloat(a, "BoxIou");
        RequireFloat(b, "BoxIou");
        RequireSameBackend("BoxIou", a, b);
        if (a.Rank != 2 || a.Shape[1] != 4 || b.Rank != 2 || b.Shape[1] != 4)
            throw new ArgumentException($"BoxIou: boxes must be [n, 4] and [m, 4], got {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)}");
        var y = New(a.Backend, a.Shape[0], b.Shape[0]);
        if (y.Numel > 0) a.Backend.Detection().BoxIouMatrix(a.Storage, b.Storage, y.Storage, a.Shape[0], b.Shape[0]);
        return y;
    }

    /// <summary>
    /// DFL expectation: logits [N, R, ...] -> sum_k k softmax_k over dim 1 -> [N, ...] (distances in bins).
    /// </summary>
    public static Tensor DflDecode(Tensor logits)
    {
        RequireFloat(logits, "DflDecode");
        if (logits.Rank < 2) throw new ArgumentException($"DflDecode: logits must be [N, R, ...], got {Shapes.Format(logits.Shape)}");
        var (outer, bins, inner) = Shapes.AroundDim(logits.Shape, 1);
        var be = logits.Backend;
        var y = New(be, logits.Shape.Where((_, i) => i != 1).ToArray());
        be.Detection().DflDecode(logits.Storage, y.Storage, outer, bins, inner);
        return Record("DflDecode", y, new[] { logits }, g =>
        {
            var dx = NewLike(logits);
            be.Detection().DflDecodeBackward(logits.Storage, g.Storage, dx.Storage, outer, bins, inner);
            return new Tensor?[] { dx };
        });
    }

    /// <summary>
    /// Distribution focal loss per position, fused: logits [N, R, ...], target distances and weights [N, ...]:
    /// weight * (CE(l) w_l + CE(l + 1) w_r) with YOLOv8's clamp of the target to [0, R - 1.01] (see
    /// <see cref="IDetectionOps.DflLoss"/>). Weight 0 gives exactly 0. Differentiable in the logits only.
    /// </summary>
    public static Tensor DflLoss(Tensor logits, Tensor targetDist, Tensor weight)
    {
        RequireFloat(logits, "DflLoss");
        RequireFloat(targetDist, "DflLoss");
        RequireFloat(weight, "DflLoss");
        RequireSameBackend("DflLoss", logits, targetDist, weight);
        if (logits.Rank < 2) throw new ArgumentException($"DflLoss: logits must be [N, R, ...], got {Shapes.Format(logits.Shape)}");
        var shape = logits.Shape.Where((_, i) => i != 1).ToArray();
        RequireShape(targetDist, shape, "DflLoss", "target");
        RequireShape(weight, shape, "DflLoss", "weight");
        var (outer, bins, inner) = Shapes.AroundDim(logits.Shape, 1);
        if (bins < 2) throw new ArgumentException("DflLoss: at least 2 bins");
        var be = logits.Backend;
        var y = New(be, shape);
        be.Detection().DflLoss(logits.Storage, targetDist.Storage, weight.Storage, y.Storage, outer, bins, inner);
        return Record("DflLoss", y, new Tensor?[] { logits, null, null }, g =>
        {
            var dx = NewLike(logits);
            be.Detection().DflLossBackward(logits.Storage, targetDist.Storage, weight.Storage, g.Storage, dx.Storage, outer, bins, inner);
            return new Tensor?[] { dx, null, null };
        });
    }

    /// <summary>
    /// The task-aligned assigner's inside mask, overlap and metric [B, G, A] (see <see cref="IDetectionOps.AssignerMetrics"/>)
    /// from scores [B, nc, A] (probabilities), predicted boxes [B, 4, A] xyxy px, anchor centres [2, A] px, gt boxes
    /// [B, G, 4] xyxy px, Int32 gt classes [B, G] and Int32 gt counts [B]. No gradient.
    /// </summary>
    public static AssignerMetricTensors AssignerMetrics(Tensor scores, Tensor predBoxes, Tensor anchors, Tensor gtBoxes, Tensor gtClasses,
        Tensor gtCounts, float alpha, float beta, float eps = 1e-9f)
    {
        RequireSameBackend("AssignerMetrics", scores, predBoxes, anchors, gtBoxes, gtClasses, gtCounts);
        RequireRank(scores, 3, "AssignerMetrics", "scores");
        int b = scores.Shape[0], nc = scores.Shape[1], a = scores.Shape[2];
        RequireShape(predBoxes, new[] { b, 4, a }, "AssignerMetrics", "predBoxes");
        RequireShape(anchors, new[] { 2, a }, "AssignerMetrics", "anchors");
        RequireRank(gtBoxes, 3, "AssignerMetrics", "gtBoxes");
        int g = gtBoxes.Shape[1];
        RequireShape(gtBoxes, new[] { b, g, 4 }, "AssignerMetrics", "gtBoxes");
        RequireShape(gtClasses, new[] { b, g }, "AssignerMetrics", "gtClasses");
        RequireShape(gtCounts, new[] { b }, "AssignerMetrics", "gtCounts");
        if (gtClasses.DType != DType.Int32 || gtCounts.DType != DType.Int32) throw new ArgumentException("AssignerMetrics: gt classes and counts must be Int32");
        var be = scores.Backend;
        var inside = Tensor.Empty(new[] { b, g, a }, be, DType.Int32);
        var overlap = New(be, b, g, a);
        var metric = New(be, b, g, a);
        if (inside.Numel > 0)
            be.Detection().AssignerMetrics(scores.Storage, predBoxes.Storage, anchors.Storage, gtBoxes.Storage, gtClasses.Storage, gtCounts.Storage,
                inside.Storage, overlap.Storage, metric.Storage, b, g, a, nc, alpha, beta, eps);
        return new AssignerMetricTensors(inside, overlap, metric);
    }
}
