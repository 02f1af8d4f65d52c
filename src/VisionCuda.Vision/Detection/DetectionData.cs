using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Detection;

/// <summary>The splits of a detection data set and its class names.</summary>
public sealed record DetectionData(IDetectionDataset Train, IDetectionDataset Val, IDetectionDataset? Test,
    IReadOnlyList<string> Names, string Description)
{
    /// <summary>
    /// Opens a dataset.yaml (train, val and, when given, test as <see cref="YoloDataset"/>s), or the embedded
    /// synthetic set when <paramref name="dataYaml"/> is null or empty. A yaml without val uses test, then train,
    /// for validation (with a warning).
    /// </summary>
    public static DetectionData Load(string? dataYaml, YoloDatasetOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(dataYaml)) return SyntheticDetection.Embedded();
        options ??= new YoloDatasetOptions();
        var yaml = DatasetYaml.Load(dataYaml);
        var train = new YoloDataset(yaml.ImageFiles("train"), yaml.Names, options);
        YoloDataset? test = yaml.Test != null ? new YoloDataset(yaml.ImageFiles("test"), yaml.Names, options) : null;
        IDetectionDataset val;
        if (yaml.Val != null) val = new YoloDataset(yaml.ImageFiles("val"), yaml.Names, options);
        else
        {
            (options.Warn ?? (m => Console.Error.WriteLine(m)))($"WARNING {yaml.YamlPath}: no 'val' split; validating on {(test != null ? "test" : "train")}");
            val = (IDetectionDataset?)test ?? train;
        }
        if (train.Count == 0) throw new DatasetException(yaml.YamlPath, $"{yaml.YamlPath}: no usable training images (all were left out)");
        var names = options.SingleCls ? train.Names : yaml.Names;
        return new DetectionData(train, val, test, names, $"{yaml.YamlPath} ({yaml.Nc} classes)");
    }
}
