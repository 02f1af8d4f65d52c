namespace VisionCuda.Training.Options;

/// <summary>
/// Training arguments with Ultralytics' names and defaults (classify task), plus VisionCuda's cls_weights and focal.
/// Defaults that differ from Ultralytics say why.
/// </summary>
public sealed class TrainOptions
{
    [Arg("data", "data set: an ImageFolder directory (train/, val/) or a folder of class folders; empty = the embedded synthetic set")]
    public string? Data { get; set; }

    [Arg("model", "built-in name (cnn, resnet18, mobilenet) or weights .safetensors to fine-tune from")]
    public string Model { get; set; } = "cnn";

    // Ultralytics uses 100; 10 takes the embedded set to about 95% top-1 in under two minutes on 2 cores.
    [Arg("epochs", "number of epochs")]
    public int Epochs { get; set; } = 10;

    [Arg("time", "maximum training time in hours (overrides epochs when > 0)")]
    public double Time { get; set; }

    [Arg("patience", "epochs without improvement before early stopping")]
    public int Patience { get; set; } = 100;

    [Arg("batch", "batch size")]
    public int Batch { get; set; } = 16;

    // Ultralytics classify uses 224; 0 means "the data set's native size" (32 for the embedded set, 28 for MNIST).
    [Arg("imgsz", "image size (0 = the data set's native size)")]
    public int Imgsz { get; set; }

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

    [Arg("cos_lr", "cosine learning-rate schedule instead of linear")]
    public bool CosLr { get; set; }

    [Arg("resume", "resume the last run (bare) or the run at this path")]
    public string? Resume { get; set; }

    [Arg("fraction", "fraction of the training set to use")]
    public double Fraction { get; set; } = 1.0;

    [Arg("freeze", "freeze the first N layers")]
    public int Freeze { get; set; }

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

    [Arg("label_smoothing", "label smoothing")]
    public double LabelSmoothing { get; set; }

    [Arg("nbs", "nominal batch size: gradients accumulate to it")]
    public int Nbs { get; set; } = 64;

    [Arg("dropout", "dropout before the classifier")]
    public double Dropout { get; set; }

    [Arg("save_period", "save a checkpoint every N epochs (-1 = off)")]
    public int SavePeriod { get; set; } = -1;

    [Arg("val", "validate during training")]
    public bool Val { get; set; } = true;

    [Arg("cls_weights", "class weights: 'auto' (inverse frequency) or a comma-separated list")]
    public string? ClsWeights { get; set; }

    [Arg("focal", "focal-loss gamma (0 = cross-entropy)")]
    public double Focal { get; set; }

    [Arg("scale", "random-resized-crop: keep between (1 - scale) and all of the image area")]
    public double Scale { get; set; } = 0.5;

    [Arg("fliplr", "probability of a horizontal flip")]
    public double Fliplr { get; set; } = 0.5;

    [Arg("flipud", "probability of a vertical flip")]
    public double Flipud { get; set; }

    [Arg("degrees", "random rotation range in degrees")]
    public double Degrees { get; set; }

    [Arg("hsv_h", "hue jitter (fraction of the hue circle)")]
    public double HsvH { get; set; } = 0.015;

    [Arg("hsv_s", "saturation jitter")]
    public double HsvS { get; set; } = 0.7;

    [Arg("hsv_v", "value (brightness) jitter")]
    public double HsvV { get; set; } = 0.4;

    [Arg("erasing", "probability of random erasing")]
    public double Erasing { get; set; } = 0.4;

    [Arg("verbose", "more detail in messages")]
    public bool Verbose { get; set; }

    /// <summary>Checks value ranges; the message names the argument.</summary>
    public void Validate()
    {
        static void Require(bool ok, string arg, string why)
        {
            if (!ok) throw new ArgumentException($"invalid value for '{arg}': {why}");
        }
        Require(Epochs > 0, "epochs", $"must be positive, got {Epochs}");
        Require(Batch > 0, "batch", $"must be positive, got {Batch}");
        Require(Imgsz >= 0 && Imgsz <= 4096, "imgsz", $"must be between 0 and 4096, got {Imgsz}");
        Require(Workers >= 0, "workers", $"must be >= 0, got {Workers}");
        Require(Fraction > 0 && Fraction <= 1, "fraction", $"must be in (0, 1], got {Fraction}");
        Require(Freeze >= 0, "freeze", $"must be >= 0, got {Freeze}");
        Require(Lr0 > 0, "lr0", $"must be positive, got {Lr0}");
        Require(Lrf > 0 && Lrf <= 1, "lrf", $"must be in (0, 1], got {Lrf}");
        Require(Momentum >= 0 && Momentum < 1, "momentum", $"must be in [0, 1), got {Momentum}");
        Require(WeightDecay >= 0, "weight_decay", $"must be >= 0, got {WeightDecay}");
        Require(WarmupEpochs >= 0, "warmup_epochs", $"must be >= 0, got {WarmupEpochs}");
        Require(LabelSmoothing >= 0 && LabelSmoothing < 1, "label_smoothing", $"must be in [0, 1), got {LabelSmoothing}");
        Require(Nbs > 0, "nbs", $"must be positive, got {Nbs}");
        Require(Dropout >= 0 && Dropout < 1, "dropout", $"must be in [0, 1), got {Dropout}");
        Require(Focal >= 0, "focal", $"must be >= 0, got {Focal}");
        Require(Patience > 0, "patience", $"must be positive, got {Patience}");
        var opt = Optimizer.ToLowerInvariant();
        Require(opt is "auto" or "sgd" or "adam" or "adamw", "optimizer", $"must be SGD, Adam, AdamW or auto, got '{Optimizer}'");
    }
}
