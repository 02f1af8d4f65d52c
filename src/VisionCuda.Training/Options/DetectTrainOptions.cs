namespace VisionCuda.Training.Options;

/// <summary>
/// <c>visioncuda train detect</c> arguments: Ultralytics' names and defaults for the detect task (default.yaml), plus
/// VisionCuda's cls_weights. Defaults that differ from Ultralytics say why. Values left null are resolved by
/// <see cref="Resolve"/> (the resolved values are what args.yaml records).
/// </summary>
public sealed class DetectTrainOptions
{
    [Arg("data", "dataset.yaml (train/val/test folders, txt lists or lists; names; path); empty = the embedded synthetic set")]
    public string? Data { get; set; }

    [Arg("model", "model YAML (yolov8n.yaml, yolov8s.yaml, or a file) or weights .safetensors to fine-tune from")]
    public string Model { get; set; } = "yolov8n.yaml";

    // null: Ultralytics' 100 for a data set. For the embedded synthetic set (no --data) with neither epochs nor
    // time given, the run is bounded by time instead (DefaultSyntheticHours), so it fits a small CPU.
    [Arg("epochs", "number of epochs (default 100; the embedded set trains for 'time' instead)")]
    public int? Epochs { get; set; }

    [Arg("time", "maximum training time in hours; when > 0 the epoch count is refitted to it after each epoch")]
    public double Time { get; set; }

    [Arg("patience", "epochs without improvement before early stopping")]
    public int Patience { get; set; } = 100;

    [Arg("batch", "batch size")]
    public int Batch { get; set; } = 16;

    // null: Ultralytics' 640, or 320 for the embedded synthetic set (its images are 320 x 320).
    [Arg("imgsz", "training and validation image size, a multiple of 32 (default 640; 320 for the embedded set)")]
    public int? Imgsz { get; set; }

    [Arg("device", "cpu, cuda, cuda:N, N, cuda-emu, ilgpu:cpu, ilgpu:cl:N, ilgpu:cuda:N")]
    public string Device { get; set; } = "cpu";

    [Arg("workers", "data loader threads (0 = load in the training thread)")]
    public int Workers { get; set; } = Math.Min(8, Environment.ProcessorCount);

    [Arg("project", "project directory (runs go to <project>/<name>)")]
    public string? Project { get; set; }

    [Arg("name", "run name")]
    public string Name { get; set; } = "train";

    [Arg("exist_ok", "reuse an existing run folder instead of numbering a new one")]
    public bool ExistOk { get; set; }

    [Arg("optimizer", "SGD, Adam, AdamW or auto")]
    public string Optimizer { get; set; } = "auto";

    [Arg("seed", "random seed")]
    public int Seed { get; set; }

    [Arg("deterministic", "bitwise repeatable results on the same machine and backend")]
    public bool Deterministic { get; set; } = true;

    [Arg("single_cls", "train as a single-class detector")]
    public bool SingleCls { get; set; }

    [Arg("rect", "rectangular training batches (turns mosaic off, as Ultralytics; validation is always rect)")]
    public bool Rect { get; set; }

    [Arg("cos_lr", "cosine learning-rate schedule instead of linear")]
    public bool CosLr { get; set; }

    [Arg("close_mosaic", "disable mosaic and mixup for the final N epochs (0 = never)")]
    public int CloseMosaic { get; set; } = 10;

    [Arg("resume", "resume the last run (bare) or the run at this path")]
    public string? Resume { get; set; }

    [Arg("fraction", "fraction of the training set to use")]
    public double Fraction { get; set; } = 1.0;

    [Arg("freeze", "freeze the first N layers")]
    public int Freeze { get; set; }

    [Arg("cache", "keep decoded, resized training images in memory (True/ram; disk is treated as ram)")]
    public string? Cache { get; set; }

    [Arg("lr0", "initial learning rate")]
    public double Lr0 { get; set; } = 0.01;

    [Arg("lrf", "final learning rate as a fraction of lr0")]
    public double Lrf { get; set; } = 0.01;

    [Arg("momentum", "SGD momentum / Adam beta1")]
    public double Momentum { get; set; } = 0.937;

    [Arg("weight_decay", "weight decay")]
    public double WeightDecay { get; set; } = 0.0005;

    [Arg("warmup_epochs", "warmup epochs (fractions allowed)")]
    public double WarmupEpochs { get; set; } = 3.0;

    [Arg("warmup_momentum", "initial momentum during warmup")]
    public double WarmupMomentum { get; set; } = 0.8;

    [Arg("warmup_bias_lr", "initial bias learning rate during warmup")]
    public double WarmupBiasLr { get; set; } = 0.1;

    [Arg("box", "box (CIoU) loss gain")]
    public double Box { get; set; } = 7.5;

    [Arg("cls", "classification (BCE) loss gain")]
    public double Cls { get; set; } = 0.5;

    [Arg("dfl", "distribution focal loss gain")]
    public double Dfl { get; set; } = 1.5;

    // Ultralytics uses 64 (accumulate 4 batches of 16). VisionCuda's default is 16, one optimizer step per batch:
    // CPU-sized runs see a few thousand images, and 4x the steps matters more there than a larger effective batch.
    // Measured together with the scratch AdamW lr below (DetectTrainer.ScratchAdamWLr), see the notes there.
    [Arg("nbs", "nominal batch size: gradients accumulate to it")]
    public int Nbs { get; set; } = 16;

    [Arg("hsv_h", "hue augmentation (fraction)")]
    public double HsvH { get; set; } = 0.015;

    [Arg("hsv_s", "saturation augmentation (fraction)")]
    public double HsvS { get; set; } = 0.7;

    [Arg("hsv_v", "value augmentation (fraction)")]
    public double HsvV { get; set; } = 0.4;

    [Arg("degrees", "rotation (+/- degrees)")]
    public double Degrees { get; set; }

    [Arg("translate", "translation (+/- fraction)")]
    public double Translate { get; set; } = 0.1;

    [Arg("scale", "scale gain (+/-)")]
    public double Scale { get; set; } = 0.5;

    [Arg("shear", "shear (+/- degrees)")]
    public double Shear { get; set; }

    [Arg("perspective", "perspective (+/- fraction), 0 to 0.001")]
    public double Perspective { get; set; }

    [Arg("flipud", "probability of an up-down flip")]
    public double Flipud { get; set; }

    [Arg("fliplr", "probability of a left-right flip")]
    public double Fliplr { get; set; } = 0.5;

    [Arg("mosaic", "probability of a 4-image mosaic")]
    public double Mosaic { get; set; } = 1.0;

    [Arg("mixup", "probability of mixup")]
    public double Mixup { get; set; }

    [Arg("cls_weights", "class weights of the BCE term: 'auto' (inverse frequency) or a comma-separated list")]
    public string? ClsWeights { get; set; }

    [Arg("save_period", "save a checkpoint every N epochs (-1 = off)")]
    public int SavePeriod { get; set; } = -1;

    [Arg("val", "validate during training (the final epoch is always validated)")]
    public bool Val { get; set; } = true;

    [Arg("conf", "confidence threshold of validation NMS")]
    public double Conf { get; set; } = 0.001;

    [Arg("iou", "IoU threshold of validation NMS")]
    public double Iou { get; set; } = 0.7;

    [Arg("max_det", "maximum detections per image in validation")]
    public int MaxDet { get; set; } = 300;

    [Arg("verbose", "more detail in messages")]
    public bool Verbose { get; set; }

    /// <summary>Training time of the embedded default command when neither epochs nor time is given.</summary>
    public const double DefaultSyntheticHours = 1.0 / 3.0;

    public const int DefaultEpochs = 100, DefaultImgsz = 640, DefaultSyntheticImgsz = 320;

    public bool IsEmbeddedData => string.IsNullOrWhiteSpace(Data);

    /// <summary>Fills the null defaults (epochs, imgsz) the way the header comments describe.</summary>
    public void Resolve()
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

    /// <summary>Checks value ranges (call after <see cref="Resolve"/>); the message names the argument.</summary>
    public void Validate()
    {
        static void Require(bool ok, string arg, string why)
        {
            if (!ok) throw new ArgumentException($"invalid value for '{arg}': {why}");
        }
        Require(Epochs is > 0, "epochs", $"must be positive, got {Epochs}");
        Require(Time >= 0, "time", $"must be >= 0, got {Time}");
        Require(Batch > 0, "batch", $"must be positive, got {Batch}");
        Require(Imgsz is >= 32 and <= 4096 && Imgsz % 32 == 0, "imgsz", $"must be a multiple of 32 between 32 and 4096, got {Imgsz}");
        Require(Workers >= 0, "workers", $"must be >= 0, got {Workers}");
        Require(Fraction > 0 && Fraction <= 1, "fraction", $"must be in (0, 1], got {Fraction}");
        Require(Freeze >= 0, "freeze", $"must be >= 0, got {Freeze}");
        Require(Lr0 > 0, "lr0", $"must be positive, got {Lr0}");
        Require(Lrf > 0 && Lrf <= 1, "lrf", $"must be in (0, 1], got {Lrf}");
        Require(Momentum >= 0 && Momentum < 1, "momentum", $"must be in [0, 1), got {Momentum}");
        Require(WeightDecay >= 0, "weight_decay", $"must be >= 0, got {WeightDecay}");
        Require(WarmupEpochs >= 0, "warmup_epochs", $"must be >= 0, got {WarmupEpochs}");
        Require(Nbs > 0, "nbs", $"must be positive, got {Nbs}");
        Require(Patience > 0, "patience", $"must be positive, got {Patience}");
        Require(CloseMosaic >= 0, "close_mosaic", $"must be >= 0, got {CloseMosaic}");
        Require(Box >= 0, "box", $"must be >= 0, got {Box}");
        Require(Cls >= 0, "cls", $"must be >= 0, got {Cls}");
        Require(Dfl >= 0, "dfl", $"must be >= 0, got {Dfl}");
        foreach (var (name, v) in new[] { ("hsv_h", HsvH), ("hsv_s", HsvS), ("hsv_v", HsvV), ("flipud", Flipud), ("fliplr", Fliplr), ("mosaic", Mosaic), ("mixup", Mixup) })
            Require(v >= 0 && v <= 1, name, $"must be in [0, 1], got {v}");
        Require(Translate >= 0 && Translate <= 1, "translate", $"must be in [0, 1], got {Translate}");
        Require(Scale >= 0, "scale", $"must be >= 0, got {Scale}");
        Require(Perspective >= 0 && Perspective <= 0.001, "perspective", $"must be in [0, 0.001], got {Perspective}");
        Require(Conf >= 0 && Conf < 1, "conf", $"must be in [0, 1), got {Conf}");
        Require(Iou > 0 && Iou <= 1, "iou", $"must be in (0, 1], got {Iou}");
        Require(MaxDet > 0, "max_det", $"must be positive, got {MaxDet}");
        var opt = Optimizer.ToLowerInvariant();
        Require(opt is "auto" or "sgd" or "adam" or "adamw", "optimizer", $"must be SGD, Adam, AdamW or auto, got '{Optimizer}'");
    }
}
