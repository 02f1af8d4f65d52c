using System.Globalization;
using System.Text.Json;
using VisionCuda.Backends;
using VisionCuda.IO;
using VisionCuda.Models;
using VisionCuda.NN;

namespace VisionCuda.Training.Classify;

/// <summary>A trained classifier loaded from weights: the model (eval mode), its class names and training image size.</summary>
public sealed class ClassifyWeights : IDisposable
{
    private ClassifyWeights(Module model, ModelSpec spec, IReadOnlyList<string> names, int imgsz)
    {
        Model = model;
        Spec = spec;
        Names = names;
        ImageSize = imgsz;
    }

    public Module Model { get; }

    public ModelSpec Spec { get; }

    public IReadOnlyList<string> Names { get; }

    public int ImageSize { get; }

    public static ClassifyWeights Load(string path, IBackend backend)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model weights '{path}' not found", path);
        var meta = SafeTensors.ReadMetadata(path);
        var spec = ModelSpec.FromMetadata(meta, path);
        var names = meta.TryGetValue("names", out var n)
            ? JsonSerializer.Deserialize<string[]>(n) ?? throw new FormatException($"{path}: metadata 'names' is empty")
            : Enumerable.Range(0, spec.NumClasses).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        int imgsz = meta.TryGetValue("imgsz", out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 224;
        var model = ModelFactory.Create(spec).To(backend);
        model.Load(path);
        model.Eval();
        return new ClassifyWeights(model, spec, names, imgsz);
    }

    public void Dispose() => Model.Dispose();
}
