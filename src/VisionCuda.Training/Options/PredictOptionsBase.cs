namespace VisionCuda.Training.Options;

/// <summary>The arguments every task's <c>visioncuda predict</c> shares (conventions.md, Ultralytics' names).</summary>
public abstract class PredictOptionsBase
{
    [Arg("model", "weights .safetensors")]
    public string? Model { get; set; }

    [Arg("source", "an image file or a directory of images")]
    public string? Source { get; set; }

    [Arg("imgsz", "image size (0 = the size the model was trained at)")]
    public int Imgsz { get; set; }

    [Arg("device", "device to run on")]
    public string Device { get; set; } = "cpu";

    [Arg("save_json", "write predictions.json into the run folder")]
    public bool SaveJson { get; set; }

    [Arg("project", "project directory")]
    public string? Project { get; set; }

    [Arg("name", "run name")]
    public string Name { get; set; } = "predict";

    [Arg("exist_ok", "reuse an existing run folder")]
    public bool ExistOk { get; set; }

    [Arg("verbose", "more detail in messages")]
    public bool Verbose { get; set; }
}
