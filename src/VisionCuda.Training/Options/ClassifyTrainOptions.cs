namespace VisionCuda.Training.Options;

/// <summary>
/// <c>visioncuda train classify</c> arguments: the shared ones (<see cref="TrainOptionsBase"/>) plus the classify task's
/// data, model, augmentations and loss (VisionCuda's focal; cls_weights is shared). Defaults that differ from
/// Ultralytics say why.
/// </summary>
public sealed class ClassifyTrainOptions : TrainOptionsBase
{
    public ClassifyTrainOptions()
    {
        // Ultralytics uses 100; 10 takes the embedded set to about 95% top-1 in under two minutes on 2 cores.
        Epochs = 10;
    }

    [Arg("data", "data set: an ImageFolder directory (train/, val/) or a folder of class folders; empty = the embedded synthetic set")]
    public string? Data { get; set; }

    [Arg("model", "built-in name (cnn, resnet18, mobilenet) or weights .safetensors to fine-tune from")]
    public string Model { get; set; } = "cnn";

    [Arg("label_smoothing", "label smoothing")]
    public double LabelSmoothing { get; set; }

    [Arg("dropout", "dropout before the classifier")]
    public double Dropout { get; set; }

    [Arg("focal", "focal-loss gamma (0 = cross-entropy)")]
    public double Focal { get; set; }

    [Arg("scale", "random-resized-crop: keep between (1 - scale) and all of the image area")]
    public double Scale { get; set; } = 0.5;

    [Arg("erasing", "probability of random erasing")]
    public double Erasing { get; set; } = 0.4;

    [Arg("cutmix", "probability of cutmix per sample when mixup was not chosen")]
    public double Cutmix { get; set; }

    // Ultralytics classify uses 224; 0 or nothing means "the data set's native size" (32 for the embedded set, 28 for
    // MNIST, 224 for an image folder), resolved when the data is opened so that args.yaml records the size used.
    protected override void ValidateTask()
    {
        Require(Imgsz is null or (>= 0 and <= 4096), "imgsz", $"must be between 0 and 4096, got {Imgsz}");
        Require(LabelSmoothing >= 0 && LabelSmoothing < 1, "label_smoothing", $"must be in [0, 1), got {LabelSmoothing}");
        Require(Dropout >= 0 && Dropout < 1, "dropout", $"must be in [0, 1), got {Dropout}");
        Require(Focal >= 0, "focal", $"must be >= 0, got {Focal}");
        Require(Cutmix >= 0 && Cutmix <= 1, "cutmix", $"must be in [0, 1], got {Cutmix}");
        Require(Erasing >= 0 && Erasing <= 1, "erasing", $"must be in [0, 1], got {Erasing}");
    }
}
