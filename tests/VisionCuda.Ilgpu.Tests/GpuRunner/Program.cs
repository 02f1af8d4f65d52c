using System.Diagnostics;
using System.Reflection;
using VisionCuda;
using VisionCuda.Ilgpu;
using VisionCuda.Ilgpu.Tests;

// Runs every [SkippableFact]/[SkippableTheory] of the op suite on the device named by argv[0] (default ilgpu:cuda:0)
// and prints one line per case; the exit status is the number of failures.
string device = args.Length > 0 ? args[0] : "ilgpu:cuda:0";
IlgpuDevices.EnsureRegistered();
Console.WriteLine($"available: {string.Join(", ", Devices.Available())}");
OpSuite suite = device switch
{
    "ilgpu:cpu" => new IlgpuCpuOpTests(),
    "ilgpu:cuda:0" => new IlgpuCudaOpTests(),
    "ilgpu:cl:0" => new IlgpuOpenCLOpTests(),
    _ => throw new ArgumentException("device must be ilgpu:cpu, ilgpu:cuda:0 or ilgpu:cl:0"),
};
if (Devices.Available().Contains(device)) Console.WriteLine($"device: {Devices.Get(device)}");
int pass = 0, fail = 0, skip = 0;
var total = Stopwatch.StartNew();
foreach (var m in typeof(OpSuite).GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.Name))
{
    bool theory = m.GetCustomAttribute<SkippableTheoryAttribute>() is not null;
    if (!theory && m.GetCustomAttribute<SkippableFactAttribute>() is null) continue;
    var cases = new List<object[]>();
    if (theory)
    {
        foreach (var md in m.GetCustomAttributes<MemberDataAttribute>())
        {
            var src = typeof(OpSuite).GetMethod(md.MemberName, BindingFlags.Public | BindingFlags.Static)!;
            cases.AddRange((IEnumerable<object[]>)src.Invoke(null, null)!);
        }
    }
    else cases.Add(Array.Empty<object>());
    foreach (var c in cases)
    {
        string name = $"{m.Name}({string.Join(", ", c.Select(a => a is int[] arr ? "[" + string.Join(",", arr) + "]" : a?.ToString()))})";
        var sw = Stopwatch.StartNew();
        try
        {
            m.Invoke(suite, c);
            pass++;
            Console.WriteLine($"PASS {name} {sw.ElapsedMilliseconds} ms");
        }
        catch (TargetInvocationException e) when (e.InnerException is Xunit.SkipException s)
        {
            skip++;
            Console.WriteLine($"SKIP {name}: {s.Message}");
        }
        catch (TargetInvocationException e)
        {
            fail++;
            Console.WriteLine($"FAIL {name}: {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
        }
    }
}
Console.WriteLine($"{pass} passed, {fail} failed, {skip} skipped in {total.Elapsed.TotalSeconds:F1} s on {device}");
return fail;
