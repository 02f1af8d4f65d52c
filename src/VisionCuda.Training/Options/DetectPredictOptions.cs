namespace VisionCuda.Training.Options;

/// <summary><c>visioncuda predict detect</c> arguments (conventions.md, Ultralytics' names and predict defaults).</summary>
public sealed class DetectPredictOptions
{
    [Arg("model", "weights .safetensors")]
    public string? Model { get; set; }

    [Arg("source", "an image file or a directory of images")]
    public string? Source { get; set; }

    [Arg("imgsz", "image size (0 = the size the model was trained at)")]
    public int Imgsz { get; set; }

    [Arg("conf", "confidence threshold")]
    public double Conf { get; set; } = 0.25;

    [Arg("iou", "IoU threshold of NMS")]
    public double Iou { get; set; } = 0.7;

    [Arg("max_det", "maximum detections per image")]
    public int MaxDet { get; set; } = 300;

    [Arg("agnostic_nms", "class-agnostic NMS")]
    public bool AgnosticNms { get; set; }

    [Arg("device", "device to run on")]
    public string Device { get; set; } = "cpu";

    [Arg("save", "write annotated images into the run folder")]
    public bool Save { get; set; } = true;

    [Arg("save_txt", "write labels/<stem>.txt (class cx cy w h, normalised) per image")]
    public bool SaveTxt { get; set; }

    [Arg("save_conf", "add the confidence as a sixth column to --save_txt labels")]
    public bool SaveConf { get; set; }

    [Arg("save_json", "write predictions.json (COCO results: image_id, category_id, bbox xywh, score)")]
    public bool SaveJson { get; set; }

    [Arg("line_width", "box line width in pixels (0 = from the image size)")]
    public int LineWidth { get; set; }

    [Arg("project", "project directory")]
    public string? Project { get; set; }

    [Arg("name", "run name")]
    public string Name { get; set; } = "predict";

    [Arg("exist_ok", "reuse an existing run folder")]
    public bool ExistOk { get; set; }

    [Arg("verbose", "more detail in messages")]
    public bool Verbose { get; set; }
}
