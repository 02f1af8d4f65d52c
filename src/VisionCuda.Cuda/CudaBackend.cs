using System.Runtime.InteropServices;
using VisionCuda.Backends;
using VisionCuda.Cuda.Interop;

namespace VisionCuda.Cuda;

/// <summary>
/// The Cuda backend: kernels/*.cu compiled to PTX, launched through VisionCuda's own driver binding, on a real GPU
/// ("cuda:N") or on the host emulation ("cuda-emu", same code path, libvisioncuda_emu.so instead of libcuda).
/// All work is queued on one stream without syncs; <see cref="Download{T}"/> and <see cref="Synchronize"/> wait.
/// Op families live in the partial files CudaBackend.*.cs; this file holds devices, modules, launches and memory.
/// Not thread-safe for concurrent ops (like a CUDA stream, it is one ordered queue).
/// </summary>
public sealed unsafe partial class CudaBackend : IBackend, IDetectionOps
{
    private const int BlockSize = 256;
    private readonly DriverApi _api;
    private readonly CublasApi? _blasApi;
    private readonly CudaContext _context;
    private readonly CudaStream _stream;
    private readonly CudaModule?[] _modules;
    private readonly string[] _moduleNames;
    private readonly nint[] _functions = new nint[KernelTable.All.Length];
    private readonly string _target;
    private readonly PinnedStaging? _staging;
    private nint _cublas;
    private K? _lastKernel;
    private uint _lastGx, _lastGy, _lastGz, _lastBx, _lastShared;
    private bool _disposed;

    private CudaBackend(string name, DriverApi api, CublasApi? blas, int ordinal)
    {
        Name = name;
        _api = api;
        _blasApi = blas;
        _context = new CudaContext(api, ordinal);
        int major = 8, minor = 0, sms = 1;
        if (api.cuDeviceGetAttribute != null)
        {
            api.cuDeviceGetAttribute(&major, 75, ordinal);
            api.cuDeviceGetAttribute(&minor, 76, ordinal);
            api.cuDeviceGetAttribute(&sms, 16, ordinal);
        }
        ComputeCapability = (major, minor);
        MultiprocessorCount = Math.Max(1, sms);
        DeviceName = QueryName(api, ordinal) ?? name;
        _target = PtxResources.TargetFor(major, minor);
        _stream = new CudaStream(api);
        Allocator = new CudaAllocator(api);
        _moduleNames = KernelTable.Modules.ToArray();
        _modules = new CudaModule?[_moduleNames.Length];
        if (api.HasAsync) _staging = new PinnedStaging(api, _stream);
        // The grid-stride kernels need only enough blocks to fill the device; the emulator runs blocks one by one.
        MaxGridBlocks = api.IsEmulator ? 64 : MultiprocessorCount * 32;
        // Batch augmentation moves onto the device on the emulator too, so CI runs the path a GPU takes.
        Capabilities = new BackendCapabilities
        {
            RunsOnHost = api.IsEmulator,
            DeviceAugment = true,
            GpuModel = api.IsEmulator ? null : DeviceName,
        };
    }

    /// <summary>Opens GPU <paramref name="ordinal"/> through libcuda.so.1 (and cuBLAS, loaded on first use).</summary>
    public static CudaBackend OpenDevice(int ordinal)
    {
        var api = NativeLibraries.TryRealDriver(out var error) ?? throw new CudaException($"cuda:{ordinal}: {error}");
        int count;
        NativeLibraries.Check(api, api.cuDeviceGetCount(&count), "cuDeviceGetCount");
        if (ordinal < 0 || ordinal >= count) throw new CudaException($"cuda:{ordinal}: the machine has {count} CUDA device(s)");
        int dev;
        NativeLibraries.Check(api, api.cuDeviceGet(&dev, ordinal), "cuDeviceGet");
        return new CudaBackend($"cuda:{ordinal}", api, null, dev);
    }

    /// <summary>Opens the host emulation (native/ libvisioncuda_emu.so).</summary>
    public static CudaBackend OpenEmulator()
    {
        var (api, blas) = NativeLibraries.Emulator();
        return new CudaBackend("cuda-emu", api, blas, 0);
    }

    public string Name { get; }

    public BackendCapabilities Capabilities { get; }

    public string DeviceName { get; }

    public (int Major, int Minor) ComputeCapability { get; }

    public int MultiprocessorCount { get; }

    public bool IsEmulator => _api.IsEmulator;

    /// <summary>GEMM (and the GEMMs inside conv) through cuBLAS when true (the default), else through kernels/gemm.cu.</summary>
    public bool UseCublas { get; set; } = true;

    public CudaAllocator Allocator { get; }

    internal int MaxGridBlocks { get; set; }

    internal CudaStream Stream => _stream;

    internal DriverApi Api => _api;

    private static string? QueryName(DriverApi api, int ordinal)
    {
        if (api.cuDeviceGetName == null) return null;
        byte* buf = stackalloc byte[256];
        if (api.cuDeviceGetName(buf, 256, ordinal) != 0) return null;
        return Marshal.PtrToStringUTF8((nint)buf);
    }

    // ---- memory -------------------------------------------------------------------------------------------

    public Storage Allocate(long count, DType dtype = DType.Float32)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        _context.MakeCurrent();
        return new CudaStorage(this, Allocator, count, dtype);
    }

    internal static CudaStorage S(Storage s) => s as CudaStorage
        ?? throw new ArgumentException($"storage from backend '{s.Backend.Name}' passed to a cuda backend");

    internal static DevPtr P(Storage s) => S(s).Ptr;

    internal static DevPtr P(Storage? s, bool optional) => s is null ? DevPtr.Null : S(s).Ptr;

    public void Upload<T>(ReadOnlySpan<T> source, Storage destination) where T : unmanaged
    {
        var dst = S(destination);
        long bytes = (long)source.Length * sizeof(T);
        if (bytes > dst.Bytes) throw new ArgumentException("upload larger than the storage");
        if (bytes == 0) return;
        _context.MakeCurrent();
        fixed (T* p = source)
        {
            if (_staging is not null) _staging.Upload((byte*)p, dst.Address, bytes);
            else Check(_api.cuMemcpyHtoD(dst.Address, p, (nuint)bytes), "cuMemcpyHtoD");
        }
    }

    public void Download<T>(Storage source, Span<T> destination) where T : unmanaged
    {
        var src = S(source);
        long bytes = (long)destination.Length * sizeof(T);
        if (bytes > src.Bytes) throw new ArgumentException("download larger than the storage");
        _context.MakeCurrent();
        if (bytes == 0) { Synchronize(); return; }
        fixed (T* p = destination)
        {
            if (_staging is not null)
            {
                CheckAfterLaunch(_staging.Download(src.Address, (byte*)p, bytes), "cuMemcpyDtoHAsync/cuStreamSynchronize");
            }
            else
            {
                SyncStream();
                CheckAfterLaunch(_api.cuMemcpyDtoH(p, src.Address, (nuint)bytes), "cuMemcpyDtoH");
            }
        }
    }

    public void Synchronize()
    {
        _context.MakeCurrent();
        SyncStream();
    }

    private void SyncStream()
    {
        int rc = _api.cuStreamSynchronize != null ? _api.cuStreamSynchronize(_stream.Value)
               : _api.cuCtxSynchronize != null ? _api.cuCtxSynchronize() : 0;
        CheckAfterLaunch(rc, "cuStreamSynchronize");
    }

    // ---- launching ------------------------------------------------------------------------------------------

    private nint Function(K k)
    {
        nint f = Volatile.Read(ref _functions[(int)k]);
        if (f != 0) return f;
        lock (_modules)
        {
            var info = KernelTable.All[(int)k];
            int mi = Array.IndexOf(_moduleNames, info.Module);
            var module = _modules[mi] ??= CudaModule.Load(_api, info.Module, PtxResources.Read(info.Module, _target));
            f = module.GetFunction(info.Name);
            Volatile.Write(ref _functions[(int)k], f);
            return f;
        }
    }

    /// <summary>Loads every module and resolves every kernel (tests and the GPU runner use it to fail early).</summary>
    public void LoadAllKernels()
    {
        _context.MakeCurrent();
        foreach (var k in KernelTable.All) Function(k.Id);
    }

    /// <summary>
    /// Queues kernel <paramref name="k"/>. The arguments are checked against <see cref="KernelTable"/>, then passed
    /// as an array of pointers into the (stack-held) argument values: no heap allocation and no synchronisation.
    /// </summary>
    internal void Launch(K k, uint gx, uint gy, uint gz, uint bx, uint shared, params ReadOnlySpan<Arg> args)
    {
        var info = KernelTable.All[(int)k];
        if (args.Length != info.Params.Length) throw ArgMismatch(info, args);
        for (int i = 0; i < args.Length; i++)
            if (args[i].Kind != info.Params[i]) throw ArgMismatch(info, args);
        _context.MakeCurrent();
        nint f = Function(k);
        void** ptrs = stackalloc void*[args.Length];
        fixed (Arg* a = args)
        {
            for (int i = 0; i < args.Length; i++) ptrs[i] = &a[i];
            _lastKernel = k;
            _lastGx = gx; _lastGy = gy; _lastGz = gz; _lastBx = bx; _lastShared = shared;
            int rc = _api.cuLaunchKernel(f, gx, gy, gz, bx, 1, 1, shared, _stream.Value, ptrs, null);
            if (rc != 0)
                throw new CudaException(rc, _api.ErrorName(rc), _api.ErrorString(rc), "cuLaunchKernel", info.Name, LaunchConfig(gx, gy, gz, bx, shared));
        }
    }

    /// <summary>A 1-D grid-stride launch over <paramref name="n"/> items with 256-thread blocks.</summary>
    internal void Launch1D(K k, long n, params ReadOnlySpan<Arg> args)
    {
        if (n <= 0) return;
        long blocks = Math.Min((n + BlockSize - 1) / BlockSize, MaxGridBlocks);
        Launch(k, (uint)blocks, 1, 1, BlockSize, 0, args);
    }

    /// <summary>One 256-thread block per row (grid-stride over rows beyond the cap).</summary>
    internal void LaunchRows(K k, long rows, params ReadOnlySpan<Arg> args)
    {
        if (rows <= 0) return;
        long blocks = Math.Min(rows, Math.Max(MaxGridBlocks, 1) * 8L);
        Launch(k, (uint)blocks, 1, 1, BlockSize, 0, args);
    }

    private static Exception ArgMismatch(KernelInfo info, ReadOnlySpan<Arg> args)
    {
        var got = new string[args.Length];
        for (int i = 0; i < args.Length; i++) got[i] = args[i].Kind.ToString();
        return new InvalidOperationException(
            $"kernel {info.Name} expects ({string.Join(", ", info.Params)}) but was launched with ({string.Join(", ", got)})");
    }

    private static string LaunchConfig(uint gx, uint gy, uint gz, uint bx, uint shared) =>
        $"grid ({gx},{gy},{gz}) block ({bx},1,1) shared {shared} B";

    private void Check(int rc, string call)
    {
        if (rc != 0) throw new CudaException(rc, _api.ErrorName(rc), _api.ErrorString(rc), call);
    }

    /// <summary>Errors surfacing at a sync belong to some queued kernel: name the last one launched.</summary>
    private void CheckAfterLaunch(int rc, string call)
    {
        if (rc == 0) return;
        string? kernel = _lastKernel is { } k ? $"{KernelTable.All[(int)k].Name} (the last kernel launched; the error may come from it or an earlier one)" : null;
        string? cfg = _lastKernel is null ? null : LaunchConfig(_lastGx, _lastGy, _lastGz, _lastBx, _lastShared);
        throw new CudaException(rc, _api.ErrorName(rc), _api.ErrorString(rc), call, kernel, cfg);
    }

    /// <summary>
    /// Average milliseconds of <paramref name="body"/> (which queues work on this backend) over
    /// <paramref name="iterations"/> runs, timed with CUDA events on the stream (a host stopwatch around a sync when
    /// the library has no timing events). One untimed run first.
    /// </summary>
    public double MeasureMilliseconds(Action body, int iterations)
    {
        _context.MakeCurrent();
        body();
        SyncStream();
        if (_api.cuEventCreate != null && _api.cuEventElapsedTime != null && _api.cuEventRecord != null)
        {
            using var start = new CudaEvent(_api, timing: true);
            using var end = new CudaEvent(_api, timing: true);
            start.Record(_stream);
            for (int i = 0; i < iterations; i++) body();
            end.Record(_stream);
            end.Synchronize();
            return CudaEvent.Elapsed(start, end) / iterations;
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) body();
        SyncStream();
        return sw.Elapsed.TotalMilliseconds / iterations;
    }

    // ---- cuBLAS ------------------------------------------------------------------------------------------------

    private CublasApi Blas => _blasApi ?? (_blasApiLazy ??= NativeLibraries.RealBlas());
    private CublasApi? _blasApiLazy;

    private nint CublasHandle()
    {
        if (_cublas != 0) return _cublas;
        var blas = Blas;
        nint h;
        int st = blas.cublasCreate(&h);
        if (st != 0) throw new CudaException(st, CuResult.CublasStatus(st), "cublasCreate failed", "cublasCreate_v2");
        st = blas.cublasSetStream(h, _stream.Value);
        if (st != 0) throw new CudaException(st, CuResult.CublasStatus(st), "cublasSetStream failed", "cublasSetStream_v2");
        return _cublas = h;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            _context.MakeCurrent();
            SyncStream();
        }
        catch (CudaException)
        {
            // a failed kernel must not prevent releasing the device
        }
        if (_cublas != 0) Blas.cublasDestroy(_cublas);
        _cublas = 0;
        _staging?.Dispose();
        Allocator.Trim();
        foreach (var m in _modules) m?.Dispose();
        _stream.Dispose();
        _context.Dispose();
    }
}
