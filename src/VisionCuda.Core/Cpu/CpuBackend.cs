using System.Runtime.InteropServices;
using VisionCuda.Backends;
using VisionCuda.Cpu.Diagnostics;

namespace VisionCuda.Cpu;

/// <summary>
/// The fast CPU path: TensorPrimitives, Vector256/FMA and threads. Ops are split over partial files by family
/// (CpuBackend.Elementwise.cs, CpuBackend.Gemm.cs, ...), the detection ops (<see cref="IDetectionOps"/>) in Detection/. The naive oracle it is tested against lives apart, in
/// the VisionCuda.Reference project.
/// </summary>
public sealed unsafe partial class CpuBackend : IBackend, IDetectionOps
{
    public CpuBackend(int? threads = null)
    {
        Threads = Math.Max(1, threads ?? Environment.ProcessorCount);
    }

    public string Name => "cpu";

    public BackendCapabilities Capabilities { get; } = new() { HostMemory = true, RunsOnHost = true };

    /// <summary>Worker threads used by the parallel kernels (fixed partitioning: results do not depend on it for reductions).</summary>
    public int Threads { get; }

    public CpuMemoryPool Pool { get; } = new();

    /// <summary>When set, every op adds its wall time to this profile (benchmarks/VisionCuda.TrainBench --profile).</summary>
    public CpuOpProfile? Profile { get; set; }

    private CpuOpTimer Time(string key) => new(Profile, key);

    public Storage Allocate(long count, DType dtype = DType.Float32)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        var block = Pool.Rent(count * dtype.SizeInBytes());
        return new CpuStorage(this, Pool, block, count, dtype);
    }

    internal static CpuStorage C(Storage s) => s as CpuStorage
        ?? throw new ArgumentException($"storage from backend '{s.Backend.Name}' passed to the cpu backend");

    internal static float* P(Storage s) => C(s).FloatPointer;

    internal static int* PI(Storage s) => C(s).IntPointer;

    public void Upload<T>(ReadOnlySpan<T> source, Storage destination) where T : unmanaged
    {
        var dst = C(destination);
        if ((long)source.Length * sizeof(T) > dst.Bytes) throw new ArgumentException("upload larger than the storage");
        source.CopyTo(new Span<T>(dst.Pointer, source.Length));
    }

    public void Download<T>(Storage source, Span<T> destination) where T : unmanaged
    {
        var src = C(source);
        if ((long)destination.Length * sizeof(T) > src.Bytes) throw new ArgumentException("download larger than the storage");
        new ReadOnlySpan<T>(src.Pointer, destination.Length).CopyTo(destination);
    }

    public void Synchronize()
    {
    }

    public void Dispose() => Pool.Trim();
}
