namespace VisionCuda.Training.Options;

/// <summary><c>visioncuda val detect</c> arguments (Ultralytics' names and val defaults).</summary>
public sealed class DetectValOptions
{
    [Arg("model", "weights .safetensors to evaluate")]
    public string? Model { get; set; }

    [Arg("data", "dataset.yaml; empty = the embedded synthetic set")]
    public string? Data { get; set; }

    [Arg("split", "val or test")]
    public string Split { get; set; } = "val";

    [Arg("batch", "batch size")]
    public int Batch { get; set; } = 16;

    [Arg("imgsz", "image size (0 = the size the model was trained at)")]
    public int Imgsz { get; set; }

    [Arg("conf", "confidence threshold of NMS")]
    public double Conf { get; set; } = 0.001;

    [Arg("iou", "IoU threshold of NMS")]
    public double Iou { get; set; } = 0.7;

    [Arg("max_det", "maximum detections per image")]
    public int MaxDet { get; set; } = 300;

    [Arg("single_cls", "evaluate as a single-class detector")]
    public bool SingleCls { get; set; }

    [Arg("device", "device to run on")]
    public string Device { get; set; } = "cpu";

    [Arg("workers", "data loader threads")]
    public int Workers { get; set; } = Math.Min(8, Environment.ProcessorCount);

    [Arg("verbose", "more detail in messages")]
    public bool Verbose { get; set; }
}
