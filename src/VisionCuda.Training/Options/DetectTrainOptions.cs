namespace VisionCuda.Training.Options;

/// <summary>
/// <c>visioncuda train detect</c> arguments: the shared ones (<see cref="TrainOptionsBase"/>) plus the detect task's
/// data, model, augmentations, loss gains and validation NMS, with Ultralytics' names and defaults (default.yaml).
/// Defaults that differ from Ultralytics say why. Values left null (epochs, imgsz) are resolved by
/// <see cref="Resolve"/> (the resolved values are what args.yaml records).
/// </summary>
public sealed class DetectTrainOptions : TrainOptionsBase
{
    public DetectTrainOptions()
    {
        // null: Ultralytics' 100 for a data set. For the embedded synthetic set (no --data) with neither epochs nor
        // time given, the run is bounded by time instead (DefaultSyntheticHours), so it fits a small CPU.
        Epochs = null;
        // Ultralytics uses 64 (accumulate 4 batches of 16). VisionCuda's default is 16, one optimizer step per batch:
        // CPU-sized runs see a few thousand images, and 4x the steps matters more there than a larger effective batch.
        // Measured together with the scratch AdamW lr (DetectTask.ScratchAdamWLr), see the notes there.
        Nbs = 16;
    }

    [Arg("data", "dataset.yaml (train/val/test folders, txt lists or lists; names; path); empty = the embedded synthetic set")]
    public string? Data { get; set; }

    [Arg("model", "model YAML (yolov8n.yaml, yolov8s.yaml, or a file) or weights .safetensors to fine-tune from")]
    public string Model { get; set; } = "yolov8n.yaml";

    [Arg("single_cls", "train as a single-class detector")]
    public bool SingleCls { get; set; }

    [Arg("rect", "rectangular training batches (turns mosaic off, as Ultralytics; validation is always rect)")]
    public bool Rect { get; set; }

    [Arg("close_mosaic", "disable mosaic and mixup for the final N epochs (0 = never)")]
    public int CloseMosaic { get; set; } = 10;

    [Arg("cache", "keep decoded, resized training images in memory (True/ram; disk is treated as ram)")]
    public string? Cache { get; set; }

    [Arg("box", "box (CIoU) loss gain")]
    public double Box { get; set; } = 7.5;

    [Arg("cls", "classification (BCE) loss gain")]
    public double Cls { get; set; } = 0.5;

    [Arg("dfl", "distribution focal loss gain")]
    public double Dfl { get; set; } = 1.5;

    [Arg("translate", "translation (+/- fraction)")]
    public double Translate { get; set; } = 0.1;

    [Arg("scale", "scale gain (+/-)")]
    public double Scale { get; set; } = 0.5;

    [Arg("shear", "shear (+/- degrees)")]
    public double Shear { get; set; }

    [Arg("perspective", "perspective (+/- fraction), 0 to 0.001")]
    public double Perspective { get; set; }

    [Arg("mosaic", "probability of a 4-image mosaic")]
    public double Mosaic { get; set; } = 1.0;

    [Arg("conf", "confidence threshold of validation NMS")]
    public double Conf { get; set; } = 0.001;

    [Arg("iou", "IoU threshold of validation NMS")]
    public double Iou { get; set; } = 0.7;

    [Arg("max_det", "maximum detections per image in validation")]
    public int MaxDet { get; set; } = 300;

    /// <summary>Training time of the embedded default command when neither epochs nor time is given.</summary>
    public const double DefaultSyntheticHours = 1.0 / 3.0;

    public const int DefaultEpochs = 100, DefaultImgsz = 640, DefaultSyntheticImgsz = 320;

    public bool IsEmbeddedData => string.IsNullOrWhiteSpace(Data);

    /// <summary>Fills the null defaults (epochs, imgsz) the way the header comments describe.</summary>
    public override void Resolve()
    {
        if (Epochs is null)
        {
            if (IsEmbeddedData && Time <= 0) Time = DefaultSyntheticHours;
            Epochs = DefaultEpochs;
        }
        Imgsz ??= IsEmbeddedData ? DefaultSyntheticImgsz : DefaultImgsz;
    }

    /// <summary>Whether cache means "keep images in memory".</summary>
    public bool CacheImages => Cache is { } c && (c.Length == 0 || c.ToLowerInvariant() is "true" or "ram" or "disk" or "1" or "yes");

    /// <summary>The detect task's checks (call after <see cref="Resolve"/>); the message names the argument.</summary>
    protected override void ValidateTask()
    {
        Require(Imgsz is >= 32 and <= 4096 && Imgsz % 32 == 0, "imgsz", $"must be a multiple of 32 between 32 and 4096, got {Imgsz}");
        Require(CloseMosaic >= 0, "close_mosaic", $"must be >= 0, got {CloseMosaic}");
        Require(Box >= 0, "box", $"must be >= 0, got {Box}");
        Require(Cls >= 0, "cls", $"must be >= 0, got {Cls}");
        Require(Dfl >= 0, "dfl", $"must be >= 0, got {Dfl}");
        Require(Mosaic >= 0 && Mosaic <= 1, "mosaic", $"must be in [0, 1], got {Mosaic}");
        Require(Translate >= 0 && Translate <= 1, "translate", $"must be in [0, 1], got {Translate}");
        Require(Scale >= 0, "scale", $"must be >= 0, got {Scale}");
        Require(Perspective >= 0 && Perspective <= 0.001, "perspective", $"must be in [0, 0.001], got {Perspective}");
        Require(Conf >= 0 && Conf < 1, "conf", $"must be in [0, 1), got {Conf}");
        Require(Iou > 0 && Iou <= 1, "iou", $"must be in (0, 1], got {Iou}");
        Require(MaxDet > 0, "max_det", $"must be positive, got {MaxDet}");
    }
}
