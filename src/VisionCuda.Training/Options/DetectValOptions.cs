namespace VisionCuda.Training.Options;

/// <summary><c>visioncuda val detect</c> arguments: the shared ones (<see cref="ValOptionsBase"/>) plus NMS (Ultralytics' val defaults).</summary>
public sealed class DetectValOptions : ValOptionsBase
{
    [Arg("conf", "confidence threshold of NMS")]
    public double Conf { get; set; } = 0.001;

    [Arg("iou", "IoU threshold of NMS")]
    public double Iou { get; set; } = 0.7;

    [Arg("max_det", "maximum detections per image")]
    public int MaxDet { get; set; } = 300;

    [Arg("single_cls", "evaluate as a single-class detector")]
    public bool SingleCls { get; set; }
}
