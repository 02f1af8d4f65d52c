using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using VisionCuda.Backends;
using VisionCuda.Benchmarks.Columns;
using VisionCuda.Cpu;
using VisionCuda.Reference;

namespace VisionCuda.Benchmarks;

/// <summary>
/// Cpu conv2d forward + backward on a ResNet stage-1 layer: N=8, 64 -> 64 channels, 3x3, stride 1, pad 1, 56x56,
/// with bias. GFLOP/s counts 2*N*K*OH*OW*C*R*S per op (fwd, bwd-data and bwd-weight each), 3x that for the
/// three together. Baseline: the naive reference on a small shape (N=1, 16 -> 16, 3x3, pad 1, 28x28), with the
/// Cpu backend on that same small shape next to it for a like-for-like ratio.
/// PyTorch at 2 threads on the big shape: benchmarks/pytorch/conv_gemm_bench.py.
/// Run: dotnet run -c Release --project benchmarks/VisionCuda.Benchmarks -- --filter '*Conv2d*' [--job short]
/// </summary>
[Config(typeof(Config))]
public class Conv2dBenchmarks
{
    private static readonly Conv2dGeometry Big = new(8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
    private static readonly Conv2dGeometry Small = new(1, 16, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn(FlopsOf));
    }

    private static double FlopsOf(BenchmarkCase bc) => bc.Descriptor.WorkloadMethod.Name switch
    {
        nameof(Forward) or nameof(BackwardData) or nameof(BackwardWeight) => Big.ForwardFlops,
        nameof(ForwardBackward) => 3 * Big.ForwardFlops,
        nameof(ForwardBackwardSmall) or nameof(ReferenceForwardBackwardSmall) => 3 * Small.ForwardFlops,
        _ => 0,
    };

    private CpuBackend _cpu = null!;
    private Buffers _big = null!, _small = null!;
    private float[] _rx = null!, _rw = null!, _rb = null!, _ry = null!, _rdx = null!, _rdw = null!, _rdb = null!;

    private sealed class Buffers(CpuBackend cpu, Conv2dGeometry g)
    {
        public readonly Conv2dGeometry G = g;
        public readonly Storage X = Up(cpu, Data.Uniform(g.InputCount, 1));
        public readonly Storage W = Up(cpu, Data.Uniform(g.WeightCount, 2));
        public readonly Storage B = Up(cpu, Data.Uniform(g.K, 3));
        public readonly Storage DY = Up(cpu, Data.Uniform(g.OutputCount, 4));
        public readonly Storage Y = cpu.Allocate(g.OutputCount);
        public readonly Storage DX = cpu.Allocate(g.InputCount);
        public readonly Storage DW = cpu.Allocate(g.WeightCount);
        public readonly Storage DB = cpu.Allocate(g.K);

        private static Storage Up(CpuBackend cpu, float[] data)
        {
            var s = cpu.Allocate(data.Length);
            cpu.Upload<float>(data, s);
            return s;
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _cpu = new CpuBackend();
        _big = new Buffers(_cpu, Big);
        _small = new Buffers(_cpu, Small);
        _rx = Data.Uniform(Small.InputCount, 1);
        _rw = Data.Uniform(Small.WeightCount, 2);
        _rb = Data.Uniform(Small.K, 3);
        _ry = Data.Uniform(Small.OutputCount, 4);
        _rdx = new float[Small.InputCount];
        _rdw = new float[Small.WeightCount];
        _rdb = new float[Small.K];
    }

    [GlobalCleanup]
    public void Cleanup() => _cpu.Dispose();

    [Benchmark(Description = "Cpu conv2d forward 8x64x56x56 3x3")]
    public void Forward() => _cpu.Conv2dForward(_big.G, _big.X, _big.W, _big.B, _big.Y);

    [Benchmark(Description = "Cpu conv2d backward-data")]
    public void BackwardData() => _cpu.Conv2dBackwardData(_big.G, _big.DY, _big.W, _big.DX);

    [Benchmark(Description = "Cpu conv2d backward-weight (+bias)")]
    public void BackwardWeight() => _cpu.Conv2dBackwardWeight(_big.G, _big.X, _big.DY, _big.DW, _big.DB);

    [Benchmark(Description = "Cpu conv2d fwd+bwd 8x64x56x56 3x3")]
    public void ForwardBackward() => Step(_big);

    [Benchmark(Description = "Cpu conv2d fwd+bwd 1x16x28x28 3x3")]
    public void ForwardBackwardSmall() => Step(_small);

    [Benchmark(Baseline = true, Description = "naive reference fwd+bwd 1x16x28x28 3x3")]
    public void ReferenceForwardBackwardSmall()
    {
        var g = new RefConvGeometry(Small.N, Small.C, Small.H, Small.W, Small.K, Small.R, Small.S,
            Small.StrideH, Small.StrideW, Small.PadH, Small.PadW, Small.DilationH, Small.DilationW, Small.Groups);
        var y = new float[Small.OutputCount];
        ReferenceConv.Forward(g, _rx, _rw, _rb, y);
        ReferenceConv.BackwardData(g, _ry, _rw, _rdx);
        ReferenceConv.BackwardWeight(g, _rx, _ry, _rdw, _rdb);
    }

    private void Step(Buffers b)
    {
        _cpu.Conv2dForward(b.G, b.X, b.W, b.B, b.Y);
        _cpu.Conv2dBackwardData(b.G, b.DY, b.W, b.DX);
        _cpu.Conv2dBackwardWeight(b.G, b.X, b.DY, b.DW, b.DB);
    }
}
