using System.Globalization;

namespace VisionCuda.Models;

/// <summary>
/// Everything needed to rebuild a built-in classifier, stored in a weights file's metadata (conventions.md:
/// model spec, nc, names, imgsz and task only). <see cref="Width"/> is the channel multiplier, <see cref="SmallInput"/>
/// selects the 3x3 stride-1 stem for small images (CIFAR/MNIST sizes), <see cref="Dropout"/> is the probability before
/// the classifier.
/// </summary>
public sealed record ModelSpec(string Name, int NumClasses, int InChannels = 3, double Width = 1.0, bool SmallInput = false, double Dropout = 0.0)
{
    public Dictionary<string, string> ToMetadata() => new(StringComparer.Ordinal)
    {
        ["model"] = Name,
        ["nc"] = NumClasses.ToString(CultureInfo.InvariantCulture),
        ["in_channels"] = InChannels.ToString(CultureInfo.InvariantCulture),
        ["width"] = Width.ToString("R", CultureInfo.InvariantCulture),
        ["small_input"] = SmallInput ? "true" : "false",
        ["dropout"] = Dropout.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Reads a spec written by <see cref="ToMetadata"/>; a missing or bad entry gives a clear error.</summary>
    public static ModelSpec FromMetadata(IReadOnlyDictionary<string, string> metadata, string source = "weights file")
    {
        string Get(string key) => metadata.TryGetValue(key, out var v)
            ? v
            : throw new FormatException($"{source}: metadata has no '{key}' entry, so the model cannot be rebuilt");
        int Int(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new FormatException($"{source}: metadata '{key}' = '{Get(key)}' is not an integer");
        double Dbl(string key, double dflt) => !metadata.ContainsKey(key) ? dflt
            : double.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new FormatException($"{source}: metadata '{key}' = '{Get(key)}' is not a number");
        return new ModelSpec(Get("model"), Int("nc"),
            metadata.ContainsKey("in_channels") ? Int("in_channels") : 3,
            Dbl("width", 1.0),
            metadata.TryGetValue("small_input", out var s) && s == "true",
            Dbl("dropout", 0.0));
    }
}
