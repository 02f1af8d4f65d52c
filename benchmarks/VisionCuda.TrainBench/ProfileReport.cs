using System.Globalization;
using VisionCuda.Cpu.Diagnostics;

namespace VisionCuda.TrainBench;

/// <summary>Prints a <see cref="CpuOpProfile"/>: time per op family (the key up to its first space) and the most expensive keys.</summary>
public static class ProfileReport
{
    public static void Print(CpuOpProfile profile, double wallSeconds, int steps, int batch, int top = 25)
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
        {
            double gflops = ConvFlops(r.Key, batch) * r.Calls / r.Seconds / 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {r.Key,-44} {r.Seconds / steps * 1000,8:F1} {r.Seconds / wallSeconds,7:P1} {r.Calls / (double)steps,6:F0}{(gflops > 0 ? $" {gflops,7:F1} GFLOP/s" : "")}"));
        }
    }

    /// <summary>FLOPs of one call of a conv key ("conv.fwd 3x3/s2 16->32 160x160"): 2*N*K*OH*OW*C*R*S (groups 1, "same" padding); 0 for other keys.</summary>
    public static double ConvFlops(string key, int batch)
    {
        var p = key.Split(' ');
        if (p.Length != 4 || !p[0].StartsWith("conv.", StringComparison.Ordinal) || p[1].Contains("/g", StringComparison.Ordinal)) return 0;
        var ks = p[1].Split('/');
        var rs = ks[0].Split('x');
        int stride = int.Parse(ks[1][1..], CultureInfo.InvariantCulture);
        var ck = p[2].Split("->");
        var hw = p[3].Split('x');
        double oh = Math.Ceiling(int.Parse(hw[0], CultureInfo.InvariantCulture) / (double)stride), ow = Math.Ceiling(int.Parse(hw[1], CultureInfo.InvariantCulture) / (double)stride);
        return 2.0 * batch * int.Parse(ck[1], CultureInfo.InvariantCulture) * oh * ow * int.Parse(ck[0], CultureInfo.InvariantCulture)
            * int.Parse(rs[0], CultureInfo.InvariantCulture) * int.Parse(rs[1], CultureInfo.InvariantCulture);
    }
}
