namespace VisionCuda.Training.Options;

/// <summary>
/// The training arguments every task shares, with Ultralytics' names and defaults (default.yaml). A task's options
/// derive from this and add what is theirs (data and model, whose meaning differs per task, and the task's
/// augmentations and loss gains); a derived constructor sets the defaults that differ per task and says why.
/// </summary>
public abstract class TrainOptionsBase
{
    [Arg("epochs", "number of epochs")]
    public int? Epochs { get; set; }

    [Arg("time", "maximum training time in hours; when > 0 the epoch count is refitted to it after each epoch")]
    public double Time { get; set; }

    [Arg("patience", "epochs without improvement before early stopping")]
    public int Patience { get; set; } = 100;

    [Arg("batch", "batch size")]
    public int Batch { get; set; } = 16;

    [Arg("imgsz", "training and validation image size")]
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

    // Every kernel of every backend has a fixed reduction order, so there is no faster non-deterministic mode to switch
    // to: deterministic=False is refused (Validate) rather than accepted and ignored.
    [Arg("deterministic", "bitwise repeatable results on the same machine and backend (the only mode VisionCuda has)")]
    public bool Deterministic { get; set; } = true;

    [Arg("cos_lr", "cosine learning-rate schedule instead of linear (the same as scheduler=cos)")]
    public bool CosLr { get; set; }

    [Arg("scheduler", "learning-rate schedule after warmup: linear, cos, step or plateau (default linear, or cos with cos_lr)")]
    public string? Scheduler { get; set; }

    [Arg("step_size", "scheduler=step: epochs between two lr reductions")]
    public int StepSize { get; set; } = 30;

    [Arg("gamma", "scheduler=step and plateau: factor each reduction multiplies the lr by")]
    public double Gamma { get; set; } = 0.1;

    [Arg("plateau_patience", "scheduler=plateau: epochs without a better fitness before the lr is reduced")]
    public int PlateauPatience { get; set; } = 10;

    [Arg("max_norm", "gradient clipping: global L2 norm the gradients are scaled down to before each step (0 = off)")]
    public double MaxNorm { get; set; } = 10.0;

    [Arg("resume", "resume the last run (bare) or the run at this path")]
    public string? Resume { get; set; }

    [Arg("fraction", "fraction of the training set to use")]
    public double Fraction { get; set; } = 1.0;

    [Arg("freeze", "freeze the first N layers")]
    public int Freeze { get; set; }

    [Arg("lr0", "initial learning rate")]
    public double Lr0 { get; set; } = 0.01;

    [Arg("lrf", "final learning rate as a fraction of lr0 (also the floor of scheduler=plateau)")]
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

    [Arg("nbs", "nominal batch size: gradients accumulate to it")]
    public int Nbs { get; set; } = 64;

    [Arg("save_period", "save a checkpoint every N epochs (-1 = off)")]
    public int SavePeriod { get; set; } = -1;

    [Arg("val", "validate during training (the final epoch is always validated)")]
    public bool Val { get; set; } = true;

    [Arg("cls_weights", "class weights: 'auto' (inverse frequency) or a comma-separated list of one weight per class")]
    public string? ClsWeights { get; set; }

    [Arg("hsv_h", "hue augmentation (fraction of the hue circle)")]
    public double HsvH { get; set; } = 0.015;

    [Arg("hsv_s", "saturation augmentation (fraction)")]
    public double HsvS { get; set; } = 0.7;

    [Arg("hsv_v", "value (brightness) augmentation (fraction)")]
    public double HsvV { get; set; } = 0.4;

    [Arg("degrees", "rotation (+/- degrees)")]
    public double Degrees { get; set; }

    [Arg("fliplr", "probability of a left-right flip")]
    public double Fliplr { get; set; } = 0.5;

    [Arg("flipud", "probability of an up-down flip")]
    public double Flipud { get; set; }

    [Arg("mixup", "probability of mixup")]
    public double Mixup { get; set; }

    [Arg("verbose", "more detail in messages")]
    public bool Verbose { get; set; }

    /// <summary>The scheduler the run uses: scheduler when given, else cos with cos_lr, else linear.</summary>
    public string ResolvedScheduler => (Scheduler ?? (CosLr ? "cos" : "linear")).ToLowerInvariant();

    /// <summary>Fills the defaults a task leaves null until it knows the data (called before <see cref="Validate"/>).</summary>
    public virtual void Resolve()
    {
    }

    /// <summary>Checks the shared value ranges, then the task's (<see cref="ValidateTask"/>); the message names the argument.</summary>
    public void Validate()
    {
        Require(Epochs is > 0, "epochs", $"must be positive, got {Epochs}");
        Require(Time >= 0, "time", $"must be >= 0, got {Time}");
        Require(Batch > 0, "batch", $"must be positive, got {Batch}");
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
        Require(MaxNorm >= 0, "max_norm", $"must be >= 0, got {MaxNorm}");
        Require(StepSize > 0, "step_size", $"must be positive, got {StepSize}");
        Require(Gamma > 0 && Gamma < 1, "gamma", $"must be in (0, 1), got {Gamma}");
        Require(PlateauPatience >= 0, "plateau_patience", $"must be >= 0, got {PlateauPatience}");
        Require(ResolvedScheduler is "linear" or "cos" or "step" or "plateau", "scheduler", $"must be linear, cos, step or plateau, got '{Scheduler}'");
        Require(Deterministic, "deterministic",
            "False is not built: every VisionCuda kernel reduces in a fixed order, so there is no faster non-deterministic mode");
        foreach (var (name, v) in new[] { ("hsv_h", HsvH), ("hsv_s", HsvS), ("hsv_v", HsvV), ("flipud", Flipud), ("fliplr", Fliplr), ("mixup", Mixup) })
            Require(v >= 0 && v <= 1, name, $"must be in [0, 1], got {v}");
        var opt = Optimizer.ToLowerInvariant();
        Require(opt is "auto" or "sgd" or "adam" or "adamw", "optimizer", $"must be SGD, Adam, AdamW or auto, got '{Optimizer}'");
        ValidateTask();
    }

    /// <summary>The task's own checks (its arguments and its image-size rule).</summary>
    protected abstract void ValidateTask();

    protected static void Require(bool ok, string arg, string why)
    {
        if (!ok) throw new ArgumentException($"invalid value for '{arg}': {why}");
    }
}
