using System.Globalization;
using System.Text.Json;
using VisionCuda.Backends;
using VisionCuda.IO;
using VisionCuda.Models.Yolo;
using VisionCuda.Training.Common;
using VisionCuda.Training.Reporting;

namespace VisionCuda.Training.Detect.Train;

/// <summary>
/// Building YOLO models for training (from a model YAML, or from weights to fine-tune) and the metadata of detection
/// weights files: the model spec (YAML name and scale; a YAML that is not built in is stored as text, so the file
/// needs no path), nc, names, imgsz and task = detect (conventions.md: no time, path or run name).
/// </summary>
public static class DetectModels
{
    /// <summary>A fresh model of <paramref name="nc"/> classes from --model: a YAML (built-in name or file) or weights to fine-tune from.</summary>
    public static YoloModel Build(string modelArg, int nc, IBackend backend, ITrainingReporter report, ulong seed = 0)
    {
        if (!ModelArg.IsWeightsFile(modelArg))
        {
            if (!YoloConfig.IsBuiltin(modelArg) && !File.Exists(modelArg))
                throw new FileNotFoundException($"model '{modelArg}' is neither a built-in YAML ({string.Join(", ", YoloConfig.BuiltinNames)}) nor an existing file", modelArg);
            var m = YoloModel.FromYaml(modelArg, nc, seed: seed);
            m.To(backend);
            return m;
        }
        if (!File.Exists(modelArg)) throw new FileNotFoundException($"model weights '{modelArg}' not found", modelArg);
        var meta = SafeTensors.ReadMetadata(modelArg);
        var model = FromMetadata(meta, modelArg, nc);
        model.To(backend);
        using var file = SafeTensors.Load(modelArg, backend);
        // Every tensor whose shape matches is transferred; a head sized for another class count stays initialised.
        var r = model.LoadStateDict(file.Tensors, strict: false, skipMismatched: true);
        report.Info($"transferred {r.Loaded}/{model.StateDict().Count} tensors from {modelArg}");
        return model;
    }

    /// <summary>Rebuilds the architecture recorded in weights metadata, with <paramref name="nc"/> classes (default: the file's).</summary>
    public static YoloModel FromMetadata(IReadOnlyDictionary<string, string> meta, string source, int? nc = null)
    {
        string Get(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new FormatException($"{source}: metadata has no '{key}' entry, so the model cannot be rebuilt");
        if (meta.TryGetValue("task", out var task) && task != "detect")
            throw new FormatException($"{source}: these are {task} weights, not detect weights");
        int fileNc = int.TryParse(Get("nc"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new FormatException($"{source}: metadata 'nc' = '{Get("nc")}' is not an integer");
        meta.TryGetValue("scale", out var scale);
        int inCh = meta.TryGetValue("in_channels", out var ic) && int.TryParse(ic, NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) ? c : 3;
        if (meta.TryGetValue("yaml", out var yamlText))
            return YoloModel.FromConfig(YoloConfig.Parse(yamlText, Get("model")), nc ?? fileNc, string.IsNullOrEmpty(scale) ? null : scale, inCh);
        return YoloModel.FromYaml(Get("model"), nc ?? fileNc, string.IsNullOrEmpty(scale) ? null : scale, inCh);
    }

    /// <summary>A second instance of <paramref name="model"/>'s architecture (for the EMA), with the same weights.</summary>
    public static YoloModel Twin(YoloModel model, IBackend backend)
    {
        var twin = YoloModel.FromConfig(model.Config, model.Nc, model.Scale, model.InChannels);
        twin.To(backend);
        twin.LoadStateDict(model.StateDict());
        return twin;
    }

    public static Dictionary<string, string> WeightsMetadata(YoloModel model, IReadOnlyList<string> names, int imgsz)
    {
        var meta = model.ToMetadata();
        if (!YoloConfig.IsBuiltin(model.Config.Source) && File.Exists(model.Config.Source))
            meta["yaml"] = File.ReadAllText(model.Config.Source);
        meta["names"] = JsonSerializer.Serialize(names);
        meta["imgsz"] = imgsz.ToString(CultureInfo.InvariantCulture);
        meta["task"] = "detect";
        return meta;
    }
}

/// <summary>A trained detector loaded from weights: the model (eval mode), its class names and training image size.</summary>
public sealed class DetectWeights : IDisposable
{
    private DetectWeights(YoloModel model, IReadOnlyList<string> names, int imgsz)
    {
        Model = model;
        Names = names;
        ImageSize = imgsz;
    }

    public YoloModel Model { get; }

    public IReadOnlyList<string> Names { get; }

    public int ImageSize { get; }

    public static DetectWeights Load(string path, IBackend backend)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model weights '{path}' not found", path);
        var meta = SafeTensors.ReadMetadata(path);
        var model = DetectModels.FromMetadata(meta, path);
        var names = meta.TryGetValue("names", out var n)
            ? JsonSerializer.Deserialize<string[]>(n) ?? throw new FormatException($"{path}: metadata 'names' is empty")
            : Enumerable.Range(0, model.Nc).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        int imgsz = meta.TryGetValue("imgsz", out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 640;
        model.To(backend);
        model.Load(path);
        model.Eval();
        return new DetectWeights(model, names, imgsz);
    }

    public void Dispose() => Model.Dispose();
}
