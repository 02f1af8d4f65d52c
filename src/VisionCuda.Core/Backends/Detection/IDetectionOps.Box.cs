namespace VisionCuda.Backends;

/// <summary>
/// Detection box ops: CIoU (forward and backward), the pairwise IoU matrix, DFL decode and loss (forward and backward)
/// and the task-aligned assigner's metrics. Same conventions as the rest of <see cref="IBackend"/>: contiguous
/// storages, outputs written fully, shapes validated by the caller (<see cref="F"/>). The scalar float32 formulas every
/// backend keeps to are in <see cref="BoxMath"/>.
/// </summary>
public partial interface IDetectionOps
{
    // ---- IoU ----------------------------------------------------------------------------------------------

    /// <summary>
    /// CIoU of xyxy boxes laid out [outer, 4, inner] (the coordinate on the middle dim): ciou [outer, inner] =
    /// CIoU(pred, target) with <paramref name="eps"/> as YOLOv8's bbox_iou (see <see cref="BoxMath.Ciou"/>).
    /// </summary>
    void Ciou(Storage pred, Storage target, Storage ciou, long outer, long inner, float eps);

    /// <summary>
    /// dPred [outer, 4, inner] = dCiou * dCIoU/dpred, with alpha = v / (v - IoU + 1 + eps) held constant (as the
    /// reference does). The target gets no gradient. Overwrites dPred.
    /// </summary>
    void CiouBackward(Storage pred, Storage target, Storage dCiou, Storage dPred, long outer, long inner, float eps);

    /// <summary>Pairwise IoU of xyxy boxes a [n, 4] and b [m, 4] into iou [n, m] (torchvision box_iou: inter / union, no eps).</summary>
    void BoxIouMatrix(Storage a, Storage b, Storage iou, int n, int m);

    // ---- distribution focal loss ----------------------------------------------------------------------------

    /// <summary>dist [outer, inner] = sum_k k * softmax_k(logits [outer, bins, inner]): the DFL expectation.</summary>
    void DflDecode(Storage logits, Storage dist, long outer, int bins, long inner);

    /// <summary>dLogits [outer, bins, inner] = dDist * p_k * (k - dist). Overwrites dLogits.</summary>
    void DflDecodeBackward(Storage logits, Storage dDist, Storage dLogits, long outer, int bins, long inner);

    /// <summary>
    /// DFL per position of [outer, inner]: with d = clamp(target, 0, bins - 1.01), l = floor(d), w_l = l + 1 - d,
    /// w_r = 1 - w_l: loss = weight * (-log p_l * w_l - log p_{l+1} * w_r), log p from a log-softmax over the bins of
    /// logits [outer, bins, inner]. A position with weight 0 gives exactly 0 (its target is not read into the math,
    /// so a NaN there does not leak).
    /// </summary>
    void DflLoss(Storage logits, Storage target, Storage weight, Storage loss, long outer, int bins, long inner);

    /// <summary>dLogits = dLoss * weight * (p_k - w_l [k == l] - w_r [k == l + 1]); 0 where weight is 0. Overwrites dLogits.</summary>
    void DflLossBackward(Storage logits, Storage target, Storage weight, Storage dLoss, Storage dLogits, long outer, int bins, long inner);

    // ---- task-aligned assigner ------------------------------------------------------------------------------

    /// <summary>
    /// The task-aligned assigner's per (image, gt, anchor) arrays, each [batch, maxGts, anchors]:
    /// inside (Int32 0/1) = anchor centre strictly inside the gt (min distance to its edges &gt; <paramref name="eps"/>),
    /// overlap = max(CIoU(gt, pred), 0) and metric = score[cls]^alpha * overlap^beta where inside, 0 elsewhere and
    /// for padding gts (g &gt;= gtCounts[b]). Inputs: scores [batch, classes, anchors] (probabilities), predBoxes
    /// [batch, 4, anchors] xyxy px, anchors [2, anchors] centres px (x row, y row), gtBoxes [batch, maxGts, 4] xyxy
    /// px, gtClasses Int32 [batch, maxGts], gtCounts Int32 [batch]. Float32 in the order of operations of
    /// <see cref="BoxMath.AssignerMetric"/>, so the host top-k that follows sees the same values (see each backend's note).
    /// </summary>
    void AssignerMetrics(Storage scores, Storage predBoxes, Storage anchors, Storage gtBoxes, Storage gtClasses, Storage gtCounts,
                         Storage inside, Storage overlap, Storage metric,
                         int batch, int maxGts, int anchorCount, int classes, float alpha, float beta, float eps);
}
