using System.Globalization;
using VisionCuda.IO;
using VisionCuda.NN;
using VisionCuda.Optim;

namespace VisionCuda.Training.Engine;

/// <summary>Where a run stands after an epoch: what a resumed run needs to be the same run.</summary>
/// <param name="Epoch">The last finished epoch (0-based; -1 before the first).</param>
/// <param name="Epochs">The run's epoch count, as refitted by a time budget (the schedule and close_mosaic follow it).</param>
/// <param name="ElapsedSeconds">Training time spent so far, so a time budget is not restarted by a resume.</param>
/// <param name="Schedule">The schedule's own state (scheduler=plateau).</param>
public sealed record TrainState(int Epoch, double BestFitness, int BestEpoch, int EmaUpdates, int Epochs, double ElapsedSeconds,
    IReadOnlyDictionary<string, string> Schedule)
{
    public static TrainState Start(int epochs) => new(-1, double.NegativeInfinity, -1, 0, epochs, 0, new Dictionary<string, string>());
}

/// <summary>
/// Checkpoints of a run. weights/last.safetensors and best.safetensors hold only the EMA model and the metadata
/// needed to rebuild it (conventions.md). Resume state (the raw model, the EMA model, the optimizer, and
/// <see cref="TrainState"/>) goes to weights/last.state.safetensors, so a resume needs nothing else, and
/// last.safetensors may hold newer weights than the state (an interrupted epoch) without breaking it. Files are
/// written to a temporary name and renamed, so a kill or a NaN mid-epoch never leaves a half-written checkpoint.
/// </summary>
public static class Checkpoint
{
    public const string LastWeights = "last.safetensors", BestWeights = "best.safetensors", LastState = "last.state.safetensors";

    public static void SaveAtomic(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        string tmp = path + ".tmp";
        SafeTensors.Save(tmp, tensors, metadata);
        File.Move(tmp, path, overwrite: true);
    }

    public static void SaveState(string weightsDir, Module model, Module ema, Optimizer optimizer, TrainState state)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (k, v) in model.StateDict()) tensors.Add(new("model." + k, v));
        foreach (var (k, v) in ema.StateDict()) tensors.Add(new("ema." + k, v));
        foreach (var (k, v) in optimizer.StateDict()) tensors.Add(new("optim." + k, v));
        var meta = optimizer.HyperParameters().ToDictionary(kv => "optim." + kv.Key, kv => kv.Value);
        foreach (var (k, v) in state.Schedule) meta["schedule." + k] = v;
        meta["epoch"] = Text(state.Epoch);
        meta["epochs"] = Text(state.Epochs);
        meta["elapsed_seconds"] = state.ElapsedSeconds.ToString("R", CultureInfo.InvariantCulture);
        meta["best_fitness"] = state.BestFitness.ToString("R", CultureInfo.InvariantCulture);
        meta["best_epoch"] = Text(state.BestEpoch);
        meta["ema_updates"] = Text(state.EmaUpdates);
        SaveAtomic(Path.Combine(weightsDir, LastState), tensors, meta);
    }

    public static TrainState LoadState(string weightsDir, Module model, Module ema, Optimizer optimizer)
    {
        string path = Path.Combine(weightsDir, LastState);
        if (!File.Exists(path)) throw new FileNotFoundException($"cannot resume: {path} is missing (the run finished or was not started by this version)", path);
        using var file = SafeTensors.Load(path, model.Backend);
        Dictionary<string, T> Part<T>(IEnumerable<KeyValuePair<string, T>> all, string prefix) =>
            all.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        var emaPart = Part(file.Tensors, "ema.");
        if (emaPart.Count == 0) throw new FormatException($"{path}: no EMA weights in the resume state (written by an older version); start the run again");
        model.LoadStateDict(Part(file.Tensors, "model."));
        ema.LoadStateDict(emaPart);
        optimizer.LoadStateDict(Part(file.Tensors, "optim."), Part(file.Metadata, "optim."));
        string Get(string k) => file.Metadata.TryGetValue(k, out var v) ? v : throw new FormatException($"{path}: resume state has no '{k}' entry");
        int Int(string k) => int.Parse(Get(k), CultureInfo.InvariantCulture);
        double Real(string k) => double.Parse(Get(k), CultureInfo.InvariantCulture);
        return new TrainState(Int("epoch"), Real("best_fitness"), Int("best_epoch"), Int("ema_updates"), Int("epochs"), Real("elapsed_seconds"),
            Part(file.Metadata, "schedule."));
    }

    private static string Text(int v) => v.ToString(CultureInfo.InvariantCulture);
}
