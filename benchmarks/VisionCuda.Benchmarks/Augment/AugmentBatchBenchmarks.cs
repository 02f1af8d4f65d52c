using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using VisionCuda.Backends;
using VisionCuda.Bench;
using VisionCuda.Benchmarks.Reporting;
using VisionCuda.Cpu;
using VisionCuda.Cuda;

namespace VisionCuda.Benchmarks.Augment;

/// <summary>
/// A whole 8 x 640 x 640 training batch (mosaic canvases warped, mixup, HSV, flips, float CHW; see
/// <see cref="AugmentBatchWorkload"/>): the per-sample Vision path (baseline, one thread, and parallel over samples
/// as the loader's workers run it) against the Cpu backend's AugmentBatch op and, where a GPU is present, the Cuda op
/// with the sources already resident (synchronised) and with their upload included. [GlobalSetup] checks that every
/// op's batch equals the per-sample batch bit for bit before anything is timed.
/// </summary>
[Config(typeof(Config))]
public class AugmentBatchBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn(_ => (AugmentBatchWorkload.BytesPerBatch, WorkUnit.Bytes)));
    }

    private AugmentBatchWorkload _w = null!;
    private readonly float[] _out = new float[AugmentBatchWorkload.Batch * 3 * AugmentBatchWorkload.Size * AugmentBatchWorkload.Size];
    private CpuBackend _cpu = null!;
    private Storage _cpuSrc = null!, _cpuOut = null!;
    private CudaBackend? _gpu;
    private Storage? _gpuSrc, _gpuOut;

    private static int Plane => 3 * AugmentBatchWorkload.Size * AugmentBatchWorkload.Size;

    [GlobalSetup]
    public void Setup()
    {
        _w = new AugmentBatchWorkload();
        _cpu = new CpuBackend();
        _cpuSrc = _w.Upload(_cpu);
        _cpuOut = _cpu.Allocate(_out.Length);
        _w.Op(_cpu, _cpuSrc, _cpuOut);
        _w.Require("cpu AugmentBatch", Download(_cpu, _cpuOut));
        if (CudaDevices.RealDeviceCount() > 0)
        {
            _gpu = CudaBackend.OpenDevice(0);
            _gpuSrc = _w.Upload(_gpu);
            _gpuOut = _gpu.Allocate(_out.Length);
            _w.Op(_gpu, _gpuSrc, _gpuOut);
            _w.Require("cuda:0 AugmentBatch", Download(_gpu, _gpuOut));
        }
    }

    private float[] Download(IBackend b, Storage s)
    {
        var r = new float[_out.Length];
        b.Download<float>(s, r);
        return r;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cpuSrc.Release();
        _cpuOut.Release();
        _gpuSrc?.Release();
        _gpuOut?.Release();
        _gpu?.Dispose();
        _cpu.Dispose();
        _w.Dispose();
    }

    [Benchmark(Baseline = true, Description = "per-sample Warp+Blend+HSV+flip+CHW, 1 thread")]
    public void PerSample()
    {
        for (int i = 0; i < AugmentBatchWorkload.Batch; i++) _w.PerSample(i, _out.AsSpan(i * Plane, Plane));
    }

    [Benchmark(Description = "per-sample, parallel over samples (loader workers)")]
    public void PerSampleParallel() => Parallel.For(0, AugmentBatchWorkload.Batch, i => _w.PerSample(i, _out.AsSpan(i * Plane, Plane)));

    [Benchmark(Description = "cpu AugmentBatch op (rows over all cores)")]
    public void CpuOp() => _w.Op(_cpu, _cpuSrc, _cpuOut);

    [Benchmark(Description = "cuda:0 AugmentBatch op, sources resident (no-op without a GPU)")]
    public void CudaOp()
    {
        if (_gpu is null) return;
        _w.Op(_gpu, _gpuSrc!, _gpuOut!);
        _gpu.Synchronize();
    }

    [Benchmark(Description = "cuda:0 upload sources + AugmentBatch op (no-op without a GPU)")]
    public void CudaUploadAndOp()
    {
        if (_gpu is null) return;
        _gpu.Upload<byte>(_w.Sources, _gpuSrc!);
        _w.Op(_gpu, _gpuSrc!, _gpuOut!);
        _gpu.Synchronize();
    }
}
