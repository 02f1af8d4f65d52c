using System.Globalization;
using VisionCuda.Cpu.Diagnostics;

namespace VisionCuda.TrainBench;

/// <summary>Prints a <see cref="CpuOpProfile"/>: time per op family (the key up to its first space) and the most expensive keys.</summary>
public static class ProfileReport
{
    public static void Print(CpuOpProfile profile, double wallSeconds, int steps, int top = 25)
    {
        var rows = profile.Snapshot();
        double inside = rows.Sum(r => r.Seconds);
        static string Family(string key) => key.Split(' ')[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  inside backend ops {inside / steps * 1000:F0} ms/step of {wallSeconds / steps * 1000:F0} ms ({inside / wallSeconds:P0}); the rest is host code (assigner, autograd, allocation)"));
        Console.WriteLine("  per family (ms/step, % of step, calls/step):");
        foreach (var g in rows.GroupBy(r => Family(r.Key)).Select(g => (Key: g.Key, Seconds: g.Sum(r => r.Seconds), Calls: g.Sum(r => r.Calls)))
                     .OrderByDescending(g => g.Seconds))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {g.Key,-22} {g.Seconds / steps * 1000,8:F1} {g.Seconds / wallSeconds,7:P1} {g.Calls / (double)steps,8:F0}"));
        Console.WriteLine($"  top {top} keys:");
        foreach (var r in rows.Take(top))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {r.Key,-44} {r.Seconds / steps * 1000,8:F1} {r.Seconds / wallSeconds,7:P1} {r.Calls / (double)steps,6:F0}"));
    }
}
