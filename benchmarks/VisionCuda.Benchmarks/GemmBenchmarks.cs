using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using VisionCuda.Backends;
using VisionCuda.Benchmarks.Columns;
using VisionCuda.Cpu;
using VisionCuda.Reference;

namespace VisionCuda.Benchmarks;

/// <summary>
/// SGEMM on the Cpu backend (blocked 6x16 FMA kernel, all cores) at 1024^3, with GFLOP/s and % of FMA peak.
/// Baseline: the naive plain-loop oracle at 256^3 (a 1024^3 naive run takes tens of seconds).
/// PyTorch at 2 threads on the same size: benchmarks/pytorch/conv_gemm_bench.py.
/// Run: dotnet run -c Release --project benchmarks/VisionCuda.Benchmarks -- --filter '*Gemm*' [--job short]
/// </summary>
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private const int ReferenceSize = 256;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(FlopsOf));
            AddColumn(new GflopsColumn(FlopsOf, PeakFlops.Gflops(Environment.ProcessorCount)));
        }
    }

    private static double FlopsOf(BenchmarkCase bc)
    {
        if (bc.Descriptor.WorkloadMethod.Name == nameof(ReferenceSgemm)) return 2.0 * ReferenceSize * ReferenceSize * ReferenceSize;
        int n = bc.Parameters.Items.FirstOrDefault(p => p.Name == nameof(Size))?.Value is int v ? v : 1024;
        return 2.0 * n * n * n;
    }

    [Params(1024)]
    public int Size { get; set; }

    private CpuBackend _cpu = null!;
    private Storage _a = null!, _b = null!, _c = null!;
    private float[] _ra = null!, _rb = null!, _rc = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cpu = new CpuBackend();
        long count = (long)Size * Size;
        _a = _cpu.Allocate(count);
        _b = _cpu.Allocate(count);
        _c = _cpu.Allocate(count);
        _cpu.Upload<float>(Data.Uniform(count, 1), _a);
        _cpu.Upload<float>(Data.Uniform(count, 2), _b);
        _ra = Data.Uniform(ReferenceSize * ReferenceSize, 3);
        _rb = Data.Uniform(ReferenceSize * ReferenceSize, 4);
        _rc = new float[ReferenceSize * ReferenceSize];
    }

    [GlobalCleanup]
    public void Cleanup() => _cpu.Dispose();

    [Benchmark(Description = "Cpu SGEMM NxNxN")]
    public void CpuSgemm() => _cpu.Gemm(false, false, Size, Size, Size, 1f, _a, 0, 0, _b, 0, 0, 0f, _c, 0, 0);

    [Benchmark(Description = "Cpu SGEMM NxNxN, B transposed")]
    public void CpuSgemmTransB() => _cpu.Gemm(false, true, Size, Size, Size, 1f, _a, 0, 0, _b, 0, 0, 0f, _c, 0, 0);

    [Benchmark(Baseline = true, Description = "naive reference SGEMM 256^3")]
    public void ReferenceSgemm() => ReferenceGemm.Gemm(false, false, ReferenceSize, ReferenceSize, ReferenceSize, 1f,
        _ra, 0, 0, _rb, 0, 0, 0f, _rc, 0, 0);
}

/// <summary>Deterministic benchmark inputs (uniform in [-0.5, 0.5]).</summary>
internal static class Data
{
    public static float[] Uniform(long count, int seed)
    {
        var r = new System.Random(seed);
        var a = new float[count];
        for (long i = 0; i < count; i++) a[i] = (float)r.NextDouble() - 0.5f;
        return a;
    }
}
