using System.Globalization;
using VisionCuda.NN;
using VisionCuda.Training.Runs;

namespace VisionCuda.Training.Engine;

/// <summary>Small pieces of the engine: resume lookup, the divergence message, dropout steps.</summary>
public static class RunSupport
{
    /// <summary>The options a resumed run was started with (its args.yaml), with resume cleared.</summary>
    public static T LoadResumeArgs<T>(string runDir) where T : Options.TrainOptionsBase, new()
    {
        string argsPath = Path.Combine(runDir, "args.yaml");
        var saved = Options.ArgsYaml.FromYaml<T>(File.ReadAllText(argsPath), argsPath);
        saved.Resume = null;
        return saved;
    }

    /// <summary>
    /// The run folder a --resume value names: bare (empty or "true") = the last run of <paramref name="task"/> with
    /// weights/last.safetensors; a path = that run folder or a weights file inside its weights/ folder. Null when not resuming.
    /// </summary>
    public static string? ResolveResume(string? resume, string task, string? project, string? workingDirectory)
    {
        if (resume is null) return null;
        if (resume.Length == 0 || resume.Equals("true", StringComparison.OrdinalIgnoreCase))
            return RunDirectory.LastRun(task, project, workingDirectory)
                ?? throw new FileNotFoundException($"--resume: no previous {task} run with weights/last.safetensors was found");
        string p = Path.GetFullPath(resume);
        if (File.Exists(p)) p = Path.GetDirectoryName(Path.GetDirectoryName(p)!)!;
        if (!File.Exists(Path.Combine(p, "args.yaml")))
            throw new FileNotFoundException($"--resume: {resume} is not a run folder (no args.yaml)");
        return p;
    }

    /// <summary>The message of a non-finite loss: where it happened and which checkpoint is still good.</summary>
    public static string Diverged(int epoch, int batch, double loss, string weightsDir, int lastGoodEpoch)
    {
        string last = Path.Combine(weightsDir, Checkpoint.LastWeights);
        string kept = lastGoodEpoch >= 0 ? $"the last good checkpoint {last} (epoch {lastGoodEpoch + 1}) is intact" : "no checkpoint had been written yet";
        return string.Create(CultureInfo.InvariantCulture, $"loss became {loss} at epoch {epoch + 1}, batch {batch + 1}; training stopped and {kept}. Try a lower lr0.");
    }

    /// <summary>Dropout masks are keyed by the global iteration, so a resumed run draws the same masks.</summary>
    public static void SetDropoutSteps(Module model, long iteration)
    {
        foreach (var m in model.Modules())
            if (m is Dropout d) d.Step = iteration;
    }
}
