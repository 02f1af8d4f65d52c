using VisionCuda.Backends;
using VisionCuda.IO;
using VisionCuda.Models;
using VisionCuda.NN;
using VisionCuda.Training.Common;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Classify;

/// <summary>Model construction for classification: a built-in name, or a weights file to fine-tune from.</summary>
public static class ClassifyModels
{
    public static (Module model, ModelSpec spec) Build(ClassifyTrainOptions o, int numClasses, int channels, int imgsz, IBackend backend, ITrainingReporter report)
    {
        var options = new ModelOptions { ImageSize = imgsz, Dropout = o.Dropout > 0 ? o.Dropout : null, Seed = (ulong)o.Seed };
        if (!ModelArg.IsWeightsFile(o.Model))
        {
            var spec = ModelFactory.Spec(o.Model, numClasses, channels, options);
            return (ModelFactory.Create(spec, (ulong)o.Seed).To(backend), spec);
        }
        if (!File.Exists(o.Model)) throw new FileNotFoundException($"model weights '{o.Model}' not found", o.Model);
        var baseSpec = ModelSpec.FromMetadata(SafeTensors.ReadMetadata(o.Model), o.Model);
        var tuned = baseSpec with { NumClasses = numClasses, InChannels = channels, Dropout = o.Dropout > 0 ? o.Dropout : baseSpec.Dropout };
        var model = ModelFactory.Create(tuned, (ulong)o.Seed).To(backend);
        using var file = SafeTensors.Load(o.Model, backend);
        // Transfer every tensor whose shape matches; a head sized for another class count stays freshly initialised.
        var own = model.StateDict();
        var usable = file.Tensors.Where(kv => own.TryGetValue(kv.Key, out var t) && Shapes.SameShape(t.Shape, kv.Value.Shape))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        model.LoadStateDict(usable, strict: false);
        report.Info($"transferred {usable.Count}/{own.Count} tensors from {o.Model}");
        return (model, tuned);
    }
}
