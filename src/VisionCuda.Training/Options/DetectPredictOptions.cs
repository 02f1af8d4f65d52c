namespace VisionCuda.Training.Options;

/// <summary><c>visioncuda predict detect</c> arguments: the shared ones (<see cref="PredictOptionsBase"/>) plus NMS and what to save (Ultralytics' predict defaults; save_json writes COCO results).</summary>
public sealed class DetectPredictOptions : PredictOptionsBase
{
    [Arg("conf", "confidence threshold")]
    public double Conf { get; set; } = 0.25;

    [Arg("iou", "IoU threshold of NMS")]
    public double Iou { get; set; } = 0.7;

    [Arg("max_det", "maximum detections per image")]
    public int MaxDet { get; set; } = 300;

    [Arg("agnostic_nms", "class-agnostic NMS")]
    public bool AgnosticNms { get; set; }

    [Arg("save", "write annotated images into the run folder")]
    public bool Save { get; set; } = true;

    [Arg("save_txt", "write labels/<stem>.txt (class cx cy w h, normalised) per image")]
    public bool SaveTxt { get; set; }

    [Arg("save_conf", "add the confidence as a sixth column to --save_txt labels")]
    public bool SaveConf { get; set; }


    [Arg("line_width", "box line width in pixels (0 = from the image size)")]
    public int LineWidth { get; set; }
}
