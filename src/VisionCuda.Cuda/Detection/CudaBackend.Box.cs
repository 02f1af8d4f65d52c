using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>Box ops: kernels/box_iou.cu (CIoU, IoU matrix), kernels/dfl.cu (DFL decode and loss), kernels/assigner.cu.</summary>
public sealed partial class CudaBackend
{
    public void Ciou(Storage pred, Storage target, Storage ciou, long outer, long inner, float eps) =>
        Launch1D(K.vc_ciou_f32, outer * inner, P(pred), P(target), P(ciou), outer, inner, eps);

    public void CiouBackward(Storage pred, Storage target, Storage dCiou, Storage dPred, long outer, long inner, float eps) =>
        Launch1D(K.vc_ciou_bwd_f32, outer * inner, P(pred), P(target), P(dCiou), P(dPred), outer, inner, eps);

    public void BoxIouMatrix(Storage a, Storage b, Storage iou, int n, int m) =>
        Launch1D(K.vc_box_iou_matrix_f32, (long)n * m, P(a), P(b), P(iou), n, m);

    public void DflDecode(Storage logits, Storage dist, long outer, int bins, long inner) =>
        Launch1D(K.vc_dfl_decode_f32, outer * inner, P(logits), P(dist), outer, bins, inner);

    public void DflDecodeBackward(Storage logits, Storage dDist, Storage dLogits, long outer, int bins, long inner) =>
        Launch1D(K.vc_dfl_decode_bwd_f32, outer * inner, P(logits), P(dDist), P(dLogits), outer, bins, inner);

    public void DflLoss(Storage logits, Storage target, Storage weight, Storage loss, long outer, int bins, long inner) =>
        Launch1D(K.vc_dfl_loss_f32, outer * inner, P(logits), P(target), P(weight), P(loss), outer, bins, inner);

    public void DflLossBackward(Storage logits, Storage target, Storage weight, Storage dLoss, Storage dLogits, long outer, int bins, long inner) =>
        Launch1D(K.vc_dfl_loss_bwd_f32, outer * inner, P(logits), P(target), P(weight), P(dLoss), P(dLogits), outer, bins, inner);

    public void AssignerMetrics(Storage scores, Storage predBoxes, Storage anchors, Storage gtBoxes, Storage gtClasses, Storage gtCounts,
                                Storage inside, Storage overlap, Storage metric,
                                int batch, int maxGts, int anchorCount, int classes, float alpha, float beta, float eps) =>
        Launch1D(K.vc_assigner_metrics_f32, (long)batch * maxGts * anchorCount, P(scores), P(predBoxes), P(anchors), P(gtBoxes),
            P(gtClasses), P(gtCounts), P(inside), P(overlap), P(metric), batch, maxGts, anchorCount, classes, alpha, beta, eps);
}
