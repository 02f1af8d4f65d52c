using BenchmarkDotNet.Attributes;
using VisionCuda.Backends;
using VisionCuda.Bench;
using VisionCuda.Benchmarks.Reporting;

namespace VisionCuda.Benchmarks.Kernels;

/// <summary>
/// One kernel family on every available backend (<see cref="KernelTargets"/>). [GlobalSetup] opens the device,
/// allocates the case's inputs there and checks one run against the naive scalar reference
/// (src/VisionCuda.Bench): a mismatch throws, which fails the run, so no fast wrong number is reported.
/// The benchmark method synchronises the device before returning. Columns: GFLOP/s or GB/s and % of peak.
/// </summary>
[Config(typeof(KernelConfig))]
public abstract class KernelBenchmarks
{
    private KernelCase _case = null!;
    private IBackend _backend = null!;

    /// <summary>"device | case key".</summary>
    [ParamsSource(nameof(Targets))]
    public string Target { get; set; } = "";

    public abstract IEnumerable<string> Targets { get; }

    [GlobalSetup]
    public void Setup()
    {
        var (device, key) = KernelTargets.Parse(Target);
        _backend = BenchDevices.Open(device);
        _case = KernelCatalog.ByKey(key);
        _case.Setup(_backend);
        var check = _case.CheckOrThrow();
        Console.WriteLine($"// check {Target}: OK, worst {check.WorstRatio:F3} of the tolerance ({check.Detail})");
    }

    [Benchmark]
    public void Kernel()
    {
        _case.Run();
        _backend.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup() => _case.Dispose();
}

/// <summary>Batch-norm training forward + backward.</summary>
public class BatchNormBenchmarks : KernelBenchmarks
{
    public override IEnumerable<string> Targets => KernelTargets.For("bn");
}

/// <summary>Elementwise add and SiLU (GB/s).</summary>
public class ElementwiseBenchmarks : KernelBenchmarks
{
    public override IEnumerable<string> Targets => KernelTargets.For("add").Concat(KernelTargets.For("silu"));
}

/// <summary>Log-softmax + NLL cross-entropy, forward and backward.</summary>
public class SoftmaxCrossEntropyBenchmarks : KernelBenchmarks
{
    public override IEnumerable<string> Targets => KernelTargets.For("softmax");
}

/// <summary>Fused SGD (momentum) and AdamW steps.</summary>
public class OptimizerBenchmarks : KernelBenchmarks
{
    public override IEnumerable<string> Targets => KernelTargets.For("sgd").Concat(KernelTargets.For("adamw"));
}

/// <summary>Conv2d forward + backward on ResNet-18 and yolov8n shapes (GemmBenchmarks/Conv2dBenchmarks hold the
/// fixed acceptance shapes with their naive baselines).</summary>
public class ModelConvBenchmarks : KernelBenchmarks
{
    public override IEnumerable<string> Targets => KernelTargets.For("conv");
}

/// <summary>SGEMM 1024^3 and ResNet-18's classifier GEMM on every backend.</summary>
public class ModelGemmBenchmarks : KernelBenchmarks
{
    public override IEnumerable<string> Targets => KernelTargets.For("gemm");
}

/// <summary>
/// NMS suppression on ranked boxes (IDetectionOps.NmsRanked: the Cuda bitmask kernels on cuda:0, the vectorised grid core
/// on cpu) over the 10,000-box benchmark sets; NmsBenchmarks times the whole host Nms.Run (ranking included).
/// </summary>
public class NmsKernelBenchmarks : KernelBenchmarks
{
    public override IEnumerable<string> Targets => KernelTargets.For("nms");
}
