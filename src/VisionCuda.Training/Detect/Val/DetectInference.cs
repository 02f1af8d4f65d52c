using VisionCuda.Autograd;
using VisionCuda.Backends;
using VisionCuda.Memory;
using VisionCuda.Models.Yolo;
using VisionCuda.Training.Detect.Loss;
using VisionCuda.Training.Detect.Nms;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Detect.Val;

/// <summary>NMS settings (Ultralytics' conf, iou, max_det, agnostic_nms; multi_label is on for validation as in Ultralytics).</summary>
public sealed record NmsSettings(float Conf = 0.001f, float Iou = 0.7f, int MaxDet = 300, bool Agnostic = false, bool MultiLabel = false, int MaxNms = 30000);

/// <summary>One batch's detections per image, in original image pixels, and (when asked) the loss items.</summary>
public sealed record BatchDetections(Detection[][] PerImage, LossItems? Loss);

/// <summary>Loss components of one batch with gains applied (Ultralytics' loss_items: box, cls, dfl).</summary>
public readonly record struct LossItems(double Box, double Cls, double Dfl)
{
    public double Sum => Box + Cls + Dfl;
}

/// <summary>
/// The single inference path of validation (during training and <c>val detect</c>) and of <c>predict detect</c>:
/// a letterboxed batch from <see cref="DetectionLoader"/> (Augment off) -> raw level outputs -> decode -> NMS in
/// input pixels -> boxes mapped back to each original image (ImageInfo, clipped). Optionally the detection loss of
/// the same forward pass against the batch's targets (val/box_loss, val/cls_loss, val/dfl_loss).
/// </summary>
public static class DetectInference
{
    public static BatchDetections Run(YoloModel model, DetectionBatch batch, NmsSettings nms, IBackend backend, DetectionLoss? loss = null)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(batch.Images, batch.Shape, backend);
        var levels = model.ForwardLevels(x);
        DetectionLossResult? lossResult = null;
        if (loss is not null)
        {
            var targets = DetectionTargets.FromRows(batch.Targets);
            lossResult = loss.Compute(levels, targets, batch.Height, batch.Width);
        }
        var decoded = model.Decode(levels);          // [B, 4 + nc, A]
        int anchors = decoded.Shape[2];
        var host = decoded.ToArray();
        var dets = NonMaxSuppression.Apply(host, batch.Count, model.Nc, anchors, nms.Conf, nms.Iou, nms.MaxDet, nms.MaxNms, nms.Agnostic, nms.MultiLabel, backend);
        for (int i = 0; i < batch.Count; i++)
        {
            var info = batch.Info[i];
            var d = dets[i];
            for (int k = 0; k < d.Length; k++)
            {
                var (x1, y1, x2, y2) = info.BoxToOriginal(d[k].X1, d[k].Y1, d[k].X2, d[k].Y2);
                d[k] = new Detection(x1, y1, x2, y2, d[k].Score, d[k].Class);
            }
        }
        return new BatchDetections(dets, lossResult is null ? null : new LossItems(lossResult.Box, lossResult.Cls, lossResult.Dfl));
    }
}
