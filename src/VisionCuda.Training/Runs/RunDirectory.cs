namespace VisionCuda.Training.Runs;

/// <summary>
/// Run folders as conventions.md fixes them: runs/&lt;task&gt;/&lt;name&gt;/ or &lt;project&gt;/&lt;name&gt;/; without exist_ok a
/// number is appended (train, train2, train3, ...) so an earlier run is never overwritten.
/// </summary>
public static class RunDirectory
{
    public static string Resolve(string task, string? project, string name, bool existOk, string? workingDirectory = null, bool withWeights = true)
    {
        string root = project ?? Path.Combine(workingDirectory ?? Directory.GetCurrentDirectory(), "runs", task);
        string dir = Path.Combine(root, name);
        if (!existOk)
        {
            for (int i = 2; Directory.Exists(dir); i++) dir = Path.Combine(root, name + i);
        }
        Directory.CreateDirectory(withWeights ? Path.Combine(dir, "weights") : dir);
        return Path.GetFullPath(dir);
    }

    /// <summary>The most recently modified run of a task that has weights/last.safetensors (for a bare --resume).</summary>
    public static string? LastRun(string task, string? project, string? workingDirectory = null)
    {
        string root = project ?? Path.Combine(workingDirectory ?? Directory.GetCurrentDirectory(), "runs", task);
        if (!Directory.Exists(root)) return null;
        return Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "weights", "last.safetensors")))
            .OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d, "weights", "last.safetensors")))
            .FirstOrDefault();
    }
}
