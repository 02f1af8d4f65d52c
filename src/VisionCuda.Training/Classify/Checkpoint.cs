using System.Globalization;
using VisionCuda.IO;
using VisionCuda.NN;
using VisionCuda.Optim;

namespace VisionCuda.Training.Classify;

/// <summary>
/// Checkpoints of a run. weights/last.safetensors and best.safetensors hold only the (EMA) model and the metadata
/// needed to rebuild it (conventions.md). Resume state — the raw model, the optimizer, the EMA update count and the
/// epoch counters — goes to weights/last.state.safetensors. Files are written to a temporary name and renamed, so a
/// kill or a NaN mid-epoch never leaves a half-written or newer-than-good checkpoint.
/// </summary>
public static class Checkpoint
{
    public const string LastWeights = "last.safetensors", BestWeights = "best.safetensors", LastState = "last.state.safetensors";

    public sealed record TrainState(int Epoch, double BestFitness, int BestEpoch, int EmaUpdates);

    public static void SaveAtomic(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        string tmp = path + ".tmp";
        SafeTensors.Save(tmp, tensors, metadata);
        File.Move(tmp, path, overwrite: true);
    }

    public static void SaveState(string weightsDir, Module model, Optimizer optimizer, TrainState state)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (k, v) in model.StateDict()) tensors.Add(new("model." + k, v));
        foreach (var (k, v) in optimizer.StateDict()) tensors.Add(new("optim." + k, v));
        var meta = optimizer.HyperParameters().ToDictionary(kv => "optim." + kv.Key, kv => kv.Value);
        meta["epoch"] = state.Epoch.ToString(CultureInfo.InvariantCulture);
        meta["best_fitness"] = state.BestFitness.ToString("R", CultureInfo.InvariantCulture);
        meta["best_epoch"] = state.BestEpoch.ToString(CultureInfo.InvariantCulture);
        meta["ema_updates"] = state.EmaUpdates.ToString(CultureInfo.InvariantCulture);
        SaveAtomic(Path.Combine(weightsDir, LastState), tensors, meta);
    }

    public static TrainState LoadState(string weightsDir, Module model, Optimizer optimizer)
    {
        string path = Path.Combine(weightsDir, LastState);
        if (!File.Exists(path)) throw new FileNotFoundException($"cannot resume: {path} is missing (the run finished or was not started by this version)", path);
        using var file = SafeTensors.Load(path, model.Backend);
        var modelPart = file.Tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value);
        var optimPart = file.Tensors.Where(kv => kv.Key.StartsWith("optim.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["optim.".Length..], kv => kv.Value);
        var hyper = file.Metadata.Where(kv => kv.Key.StartsWith("optim.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["optim.".Length..], kv => kv.Value);
        model.LoadStateDict(modelPart);
        optimizer.LoadStateDict(optimPart, hyper);
        int Int(string k) => int.Parse(file.Metadata[k], CultureInfo.InvariantCulture);
        return new TrainState(Int("epoch"), double.Parse(file.Metadata["best_fitness"], CultureInfo.InvariantCulture), Int("best_epoch"), Int("ema_updates"));
    }
}
