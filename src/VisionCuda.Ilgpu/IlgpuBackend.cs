using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using VisionCuda.Backends;

namespace VisionCuda.Ilgpu;

/// <summary>
/// The backend contract on ILGPU: the same kernels run on ILGPU's CPU accelerator (<c>ilgpu:cpu</c>, a correctness
/// and debugging path, thousands of times slower than the Cpu backend), on OpenCL GPUs (<c>ilgpu:cl:N</c>) and on
/// NVIDIA GPUs (<c>ilgpu:cuda:N</c>, a fallback where the PTX backend is unavailable).
///
/// One ILGPU context and accelerator per backend. Kernels (Kernels/*.cs) are static methods, each compiled once on
/// first use and cached as a launcher delegate. Elementwise kernels are implicitly grouped; the GEMM is explicitly
/// grouped with a tile edge chosen from the accelerator's MaxNumThreadsPerGroup (16 threads on the CPU accelerator).
/// Launches are queued on the default stream; <see cref="Download{T}"/> and <see cref="Synchronize"/> wait.
/// </summary>
public sealed partial class IlgpuBackend : IBackend, IDetectionOps
{
    private readonly Context _context;
    private readonly ConcurrentDictionary<string, Delegate> _kernels = new();
    private bool _disposed;

    public IlgpuBackend(IlgpuDeviceKind kind, int index = 0)
    {
        Kind = kind;
        switch (kind)
        {
            case IlgpuDeviceKind.Cpu:
                _context = Context.Create(b => b.DefaultCPU());
                Accelerator = _context.GetCPUDevice(0).CreateAccelerator(_context);
                Name = "ilgpu:cpu";
                break;
            case IlgpuDeviceKind.Cuda:
                _context = Context.Create(b => b.Cuda().EnableAlgorithms());
                Accelerator = Device(_context.GetCudaDevices(), index, "cuda").CreateAccelerator(_context);
                Name = $"ilgpu:cuda:{index}";
                break;
            case IlgpuDeviceKind.OpenCL:
                _context = Context.Create(b => b.OpenCL());
                Accelerator = Device(_context.GetCLDevices(), index, "cl").CreateAccelerator(_context);
                Name = $"ilgpu:cl:{index}";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        Pool = new IlgpuMemoryPool(Accelerator);
        int maxThreads = Math.Min(Accelerator.MaxNumThreadsPerGroup, 256);
        GemmTile = 1;
        while (4 * GemmTile * GemmTile <= maxThreads) GemmTile *= 2;
        // The CPU accelerator interprets kernels thread by thread on the host; the GPU ones are real devices.
        bool onHost = kind == IlgpuDeviceKind.Cpu;
        Capabilities = new BackendCapabilities
        {
            RunsOnHost = onHost,
            InterpreterSpeed = onHost,
            GpuModel = onHost ? null : Accelerator.Name,
        };
    }

    private TDevice Device<TDevice>(Context.DeviceCollection<TDevice> devices, int index, string prefix) where TDevice : Device
    {
        if (index < devices.Count) return devices[index];
        _context.Dispose();
        throw new DeviceNotFoundException($"ilgpu:{prefix}:{index}", Devices.Available());
    }

    public string Name { get; }

    public BackendCapabilities Capabilities { get; }

    public IlgpuDeviceKind Kind { get; }

    public Accelerator Accelerator { get; }

    public IlgpuMemoryPool Pool { get; }

    /// <summary>Edge of the GEMM's square thread tile (T*T threads per group).</summary>
    public int GemmTile { get; }

    public override string ToString() => $"{Name} ({Accelerator.Name})";

    // ---- memory -------------------------------------------------------------------------------------------

    public Storage Allocate(long count, DType dtype = DType.Float32)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buffer = Pool.Rent(count * dtype.SizeInBytes());
        return new IlgpuStorage(this, Pool, buffer, count, dtype);
    }

    internal static IlgpuStorage S(Storage s) => s as IlgpuStorage
        ?? throw new ArgumentException($"storage from backend '{s.Backend.Name}' passed to an ilgpu backend");

    internal static ArrayView<float> F(Storage s) => S(s).F;

    internal static ArrayView<int> I(Storage s) => S(s).I;

    public void Upload<T>(ReadOnlySpan<T> source, Storage destination) where T : unmanaged
    {
        var dst = S(destination);
        long bytes = (long)source.Length * Marshal.SizeOf<T>();
        if (bytes > dst.Bytes) throw new ArgumentException("upload larger than the storage");
        if (source.Length == 0) return;
        dst.As<T>().SubView(0, source.Length).CopyFromCPU(ref MemoryMarshal.GetReference(source), source.Length);
    }

    public void Download<T>(Storage source, Span<T> destination) where T : unmanaged
    {
        var src = S(source);
        long bytes = (long)destination.Length * Marshal.SizeOf<T>();
        if (bytes > src.Bytes) throw new ArgumentException("download larger than the storage");
        Accelerator.Synchronize();
        if (destination.Length == 0) return;
        src.As<T>().SubView(0, destination.Length).CopyToCPU(ref MemoryMarshal.GetReference(destination), destination.Length);
    }

    public void Synchronize() => Accelerator.Synchronize();

    // ---- kernel cache ---------------------------------------------------------------------------------------

    /// <summary>The launcher of a kernel, compiled on first use and cached under <paramref name="key"/>.</summary>
    private TDelegate K<TDelegate>(string key, Func<Accelerator, TDelegate> load) where TDelegate : Delegate =>
        (TDelegate)_kernels.GetOrAdd(key, _ => load(Accelerator));

    /// <summary>Number of kernels compiled so far (tests check that repeated calls do not recompile).</summary>
    public int CompiledKernels => _kernels.Count;

    /// <summary>A 1-D launch extent; ILGPU indexes with int, so one launch covers at most 2^31-1 elements.</summary>
    private static Index1D Extent(long count)
    {
        if (count > int.MaxValue) throw new NotSupportedException($"ilgpu backend: {count} elements exceed one launch (2^31-1)");
        return new Index1D((int)count);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Accelerator.Synchronize();
        }
        finally
        {
            Pool.Close();
            Accelerator.Dispose();
            _context.Dispose();
        }
    }
}
