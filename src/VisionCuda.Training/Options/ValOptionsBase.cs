namespace VisionCuda.Training.Options;

/// <summary>The arguments every task's <c>visioncuda val</c> shares (Ultralytics' names); a task's val options add what is theirs.</summary>
public abstract class ValOptionsBase
{
    [Arg("model", "weights .safetensors to evaluate")]
    public string? Model { get; set; }

    [Arg("data", "data set (as for train); empty = the embedded synthetic set")]
    public string? Data { get; set; }

    [Arg("split", "val or test")]
    public string Split { get; set; } = "val";

    [Arg("batch", "batch size")]
    public int Batch { get; set; } = 16;

    [Arg("imgsz", "image size (0 = the size the model was trained at)")]
    public int Imgsz { get; set; }

    [Arg("device", "device to run on")]
    public string Device { get; set; } = "cpu";

    [Arg("workers", "data loader threads")]
    public int Workers { get; set; } = Math.Min(8, Environment.ProcessorCount);

    [Arg("project", "project directory (the confusion matrix goes to <project>/<name>)")]
    public string? Project { get; set; }

    [Arg("name", "run name")]
    public string Name { get; set; } = "val";

    [Arg("exist_ok", "reuse an existing run folder instead of numbering a new one")]
    public bool ExistOk { get; set; }

    [Arg("verbose", "more detail in messages")]
    public bool Verbose { get; set; }

    /// <summary>Checks the shared arguments; the message names the argument.</summary>
    public void ValidateCommon()
    {
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("invalid value for 'model': val needs --model path/to/weights.safetensors");
        if (Batch <= 0) throw new ArgumentException($"invalid value for 'batch': must be positive, got {Batch}");
        if (Imgsz < 0) throw new ArgumentException($"invalid value for 'imgsz': must be >= 0, got {Imgsz}");
    }

    /// <summary>The split named by --split among those a data set has (null = it lacks that split).</summary>
    public T PickSplit<T>(T val, T? test, T? train, string source) where T : class => Split.ToLowerInvariant() switch
    {
        "val" => val,
        "test" => test ?? throw new Vision.Data.DatasetException(source, "the data set has no test split"),
        "train" when train is not null => train,
        _ => throw new ArgumentException($"invalid value for 'split': '{Split}' ({(train is null ? "val or test" : "val, test or train")})"),
    };
}
