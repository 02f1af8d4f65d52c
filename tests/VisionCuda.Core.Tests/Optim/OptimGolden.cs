using System.Text.Json;

namespace VisionCuda.Core.Tests.Optim;

/// <summary>
/// Reads the optimizer/schedule goldens from the source tree (tests/VisionCuda.Core.Tests/Optim/data), found by
/// walking up from the test assembly to the folder holding VisionCuda.sln. Regenerate them with
/// /usr/bin/python3 tools/goldens/make_optim_goldens.py.
/// </summary>
internal static class OptimGolden
{
    public static string DataDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VisionCuda.sln"))) dir = dir.Parent;
            if (dir is null) throw new DirectoryNotFoundException($"no VisionCuda.sln above {AppContext.BaseDirectory}: the optimizer goldens are read from the source tree");
            return Path.Combine(dir.FullName, "tests", "VisionCuda.Core.Tests", "Optim", "data");
        }
    }

    public static JsonElement Load(string name)
    {
        string path = Path.Combine(DataDirectory, name + ".json");
        if (!File.Exists(path)) throw new FileNotFoundException($"golden {path} missing; run /usr/bin/python3 tools/goldens/make_optim_goldens.py", path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.Clone();
    }

    public static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static void AssertClose(double expected, double actual, double rel, double abs, string what)
    {
        double err = Math.Abs(expected - actual);
        Assert.True(err <= abs + rel * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R} (|err| {err:E3})");
    }
}
