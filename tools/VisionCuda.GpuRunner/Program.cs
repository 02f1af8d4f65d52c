using System.Diagnostics;
using VisionCuda.Backends;
using VisionCuda.Cpu;
using VisionCuda.Cuda;
using VisionCuda.Backends.Tests.Cases;
using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Random;

// VisionCuda GPU runner: `suite` runs the op table of tests/VisionCuda.Backends.Tests on a device (cuda:0, cuda-emu,
// ilgpu:cuda:0, ilgpu:cl:0, ilgpu:cpu: against the Cpu backend; cpu: against the naive references), `bench` times our
// GEMM against cuBLAS and conv forward+backward (Cuda devices only). Default: both, on cuda:0. Exit code 1 when any
// case fails.
//   VisionCuda.GpuRunner [suite] [bench] [quickbench] [--device NAME] [--filter text]
// quickbench runs the `visioncuda bench` catalog (model-size shapes, each checked against its reference first).
// Publish (trimmed, self-contained, ~33 MB with ILGPU and the core library kept whole, no dotnet needed) and run:
//   dotnet publish tools/VisionCuda.GpuRunner -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -o publish/gpurunner
//   publish/gpurunner/VisionCuda.GpuRunner
var modes = args.Where(a => a is "suite" or "bench" or "quickbench").ToHashSet();
if (modes.Count == 0) modes = new() { "suite", "bench" };
string device = Arg("--device") ?? "cuda:0";
string? filter = Arg("--filter");

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

CudaDevices.EnsureRegistered();
VisionCuda.Ilgpu.IlgpuDevices.EnsureRegistered();
if (DeviceRows.SkipReason(device) is { } missing)
{
    Console.Error.WriteLine($"cannot open {device}: {missing}");
    return 2;
}
var gpu = DeviceRows.Open(device).Device as CudaBackend;
if (gpu is not null)
{
    gpu.LoadAllKernels();
    Console.WriteLine($"device {gpu.Name}: {gpu.DeviceName}, compute capability {gpu.ComputeCapability.Major}.{gpu.ComputeCapability.Minor}, {gpu.MultiprocessorCount} SMs");
}
else Console.WriteLine($"device {device}");
int failures = 0;

if (modes.Contains("suite"))
{
    int passed = 0, skipped = 0;
    var sw = Stopwatch.StartNew();
    foreach (var c in OpCases.All)
    {
        if (!DeviceRows.Runs(device, c)) continue;
        if (filter is not null && !c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
        try
        {
            if (DeviceRows.Run(c, device) is { } why)
            {
                skipped++;
                Console.WriteLine($"SKIP {why}");
            }
            else passed++;
        }
        catch (Exception e)
        {
            failures++;
            Console.WriteLine($"FAIL {c.Name}: {e.GetType().Name}: {e.Message}");
        }
    }
    Console.WriteLine($"suite on {device}: {passed} passed, {failures} failed, {skipped} skipped ({sw.Elapsed.TotalSeconds:F1} s)");
}

if (modes.Contains("bench") && gpu is not null)
{
    try
    {
        Bench.Gemm(gpu);
        Bench.Conv(gpu);
    }
    catch (Exception e)
    {
        failures++;
        Console.WriteLine($"bench failed: {e}");
    }
}

if (modes.Contains("quickbench") && gpu is not null)
{
    try
    {
        VisionCuda.Bench.QuickBench.RunCatalog(gpu, "model", null, VisionCuda.Bench.QuickBench.Options(gpu.Capabilities), Console.Out);
    }
    catch (Exception e)
    {
        failures++;
        Console.WriteLine($"quickbench failed: {e}");
    }
}

gpu?.Dispose();
return failures == 0 ? 0 : 1;

internal static class Bench
{
    private static Storage Random(CudaBackend b, long n, ulong seed)
    {
        var data = new float[n];
        Philox.FillUniform(data, Philox.Key(seed), 0, -1f, 1f);
        var s = b.Allocate(n);
        b.Upload<float>(data, s);
        return s;
    }

    private static float MaxRelDiff(CudaBackend b, Storage x, Storage y, long n)
    {
        var a = new float[n];
        var c = new float[n];
        b.Download<float>(x, a);
        b.Download<float>(y, c);
        float worst = 0, scale = 0;
        for (long i = 0; i < n; i++) scale = Math.Max(scale, Math.Abs(c[i]));
        for (long i = 0; i < n; i++) worst = Math.Max(worst, Math.Abs(a[i] - c[i]) / Math.Max(scale, 1e-30f));
        return worst;
    }

    public static void Gemm(CudaBackend b)
    {
        Console.WriteLine("GEMM (row-major C = A*B, fp32), GFLOP/s:  size | ours | cuBLAS | ours/cuBLAS | max |diff|/max|C|");
        foreach (int n in new[] { 1024, 2048, 4096 })
        {
            long nn = (long)n * n;
            var a = Random(b, nn, 1);
            var bm = Random(b, nn, 2);
            var c1 = b.Allocate(nn);
            var c2 = b.Allocate(nn);
            b.UseCublas = false;
            b.Gemm(false, false, n, n, n, 1f, a, 0, 0, bm, 0, 0, 0f, c1, 0, 0);
            b.UseCublas = true;
            b.Gemm(false, false, n, n, n, 1f, a, 0, 0, bm, 0, 0, 0f, c2, 0, 0);
            float diff = MaxRelDiff(b, c1, c2, nn);
            int iters = n >= 4096 ? 5 : 20;
            double flops = 2.0 * n * n * n;
            b.UseCublas = false;
            double ours = b.MeasureMilliseconds(() => b.Gemm(false, false, n, n, n, 1f, a, 0, 0, bm, 0, 0, 0f, c1, 0, 0), iters);
            b.UseCublas = true;
            double cub = b.MeasureMilliseconds(() => b.Gemm(false, false, n, n, n, 1f, a, 0, 0, bm, 0, 0, 0f, c2, 0, 0), iters);
            double g1 = flops / ours / 1e6, g2 = flops / cub / 1e6;
            Console.WriteLine($"  {n,5} | {g1,8:F0} | {g2,8:F0} | {g1 / g2,5:P0} | {diff:E2}");
            a.Release(); bm.Release(); c1.Release(); c2.Release();
        }
    }

    public static void Conv(CudaBackend b)
    {
        var g = new Conv2dGeometry(8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Console.WriteLine($"conv2d N=8 64->64 3x3 pad 1 56x56 ({g.ForwardFlops / 1e9:F2} GFLOP per pass), GFLOP/s:");
        var x = Random(b, g.InputCount, 3);
        var w = Random(b, g.WeightCount, 4);
        var bias = Random(b, g.K, 5);
        var y = b.Allocate(g.OutputCount);
        var dy = Random(b, g.OutputCount, 6);
        var dx = b.Allocate(g.InputCount);
        var dw = b.Allocate(g.WeightCount);
        var db = b.Allocate(g.K);
        foreach (bool cublas in new[] { true, false })
        {
            b.UseCublas = cublas;
            double f = b.MeasureMilliseconds(() => b.Conv2dForward(g, x, w, bias, y), 20);
            double bd = b.MeasureMilliseconds(() => b.Conv2dBackwardData(g, dy, w, dx), 20);
            double bw = b.MeasureMilliseconds(() => b.Conv2dBackwardWeight(g, x, dy, dw, db), 20);
            double gf = g.ForwardFlops / 1e6;
            Console.WriteLine($"  gemm={(cublas ? "cuBLAS" : "ours  ")}  fwd {gf / f,7:F0} ({f:F3} ms)  bwd-data {gf / bd,7:F0} ({bd:F3} ms)  bwd-weight {gf / bw,7:F0} ({bw:F3} ms)  fwd+bwd {3 * gf / (f + bd + bw),7:F0}");
        }
        b.UseCublas = true;
        foreach (var s in new[] { x, w, bias, y, dy, dx, dw, db }) s.Release();
    }
}
