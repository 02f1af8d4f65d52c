using System.Reflection;
using System.Runtime.InteropServices;

namespace VisionCuda.Cuda.Interop;

/// <summary>
/// Finds and loads the native libraries behind the binding.
/// - Real GPU: libcuda.so.1 (exact name; driver-only installs have no libcuda.so), cuBLAS as libcublas.so.13 or .12,
///   with the matching libcublasLt loaded first.
/// - cuda-emu: libvisioncuda_emu.so, which exports the same driver and cuBLAS symbols. Looked for in
///   $VISIONCUDA_EMU_LIB, next to this assembly / the app, then in native/build/ of an enclosing checkout.
/// Each library yields its own <see cref="DriverApi"/>/<see cref="CublasApi"/> (function pointers from its handle),
/// so both can be loaded in one process. The DllImport names of <see cref="DriverImports"/> are mapped by
/// <see cref="InstallResolver"/>.
/// </summary>
internal static unsafe class NativeLibraries
{
    public const string EmulatorFileName = "libvisioncuda_emu.so";
    public const string DriverFileName = "libcuda.so.1";

    private static readonly object Gate = new();
    private static DriverApi? _realDriver, _emuDriver;
    private static CublasApi? _realBlas, _emuBlas;
    private static string? _realError;
    private static int _resolverInstalled;

    public static void InstallResolver()
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) != 0) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // someone already set one for this assembly; keep theirs
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name == DriverImports.Library && NativeLibrary.TryLoad(DriverFileName, out var h)) return h;
        return 0;
    }

    /// <summary>Full path of the emulator library, or null when it is not built.</summary>
    public static string? FindEmulator()
    {
        var env = Environment.GetEnvironmentVariable("VISIONCUDA_EMU_LIB");
        if (!string.IsNullOrEmpty(env) && File.Exists(env)) return Path.GetFullPath(env);
        var dirs = new List<string>();
        string? asmDir = Path.GetDirectoryName(typeof(NativeLibraries).Assembly.Location);
        if (!string.IsNullOrEmpty(asmDir)) dirs.Add(asmDir);
        dirs.Add(AppContext.BaseDirectory);
        foreach (var d in dirs)
        {
            var p = Path.Combine(d, EmulatorFileName);
            if (File.Exists(p)) return p;
        }
        foreach (var start in dirs)
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var p = Path.Combine(d.FullName, "native", "build", EmulatorFileName);
                if (File.Exists(p)) return p;
            }
        }
        return null;
    }

    public static (DriverApi Driver, CublasApi Blas) Emulator()
    {
        lock (Gate)
        {
            if (_emuDriver is null)
            {
                string path = FindEmulator() ?? throw new CudaException(
                    $"cuda-emu: {EmulatorFileName} was not found (build native/ with CMake, or set VISIONCUDA_EMU_LIB)");
                nint h = NativeLibrary.Load(path);
                var driver = new DriverApi(h, path, isEmulator: true);
                var blas = new CublasApi(h, path);
                Check(driver, driver.cuInit(0), "cuInit");
                _emuDriver = driver;
                _emuBlas = blas;
            }
            return (_emuDriver, _emuBlas!);
        }
    }

    /// <summary>The real driver, or null with <paramref name="error"/> saying why (no library, no device).</summary>
    public static DriverApi? TryRealDriver(out string? error)
    {
        lock (Gate)
        {
            if (_realDriver is null && _realError is null)
            {
                if (!NativeLibrary.TryLoad(DriverFileName, out var h))
                {
                    _realError = $"{DriverFileName} could not be loaded (no NVIDIA driver)";
                }
                else
                {
                    try
                    {
                        var d = new DriverApi(h, DriverFileName, isEmulator: false);
                        int rc = d.cuInit(0);
                        if (rc != 0) _realError = $"cuInit failed: {d.ErrorName(rc)} ({d.ErrorString(rc)})";
                        else _realDriver = d;
                    }
                    catch (CudaException e)
                    {
                        _realError = e.Message;
                    }
                }
            }
            error = _realError;
            return _realDriver;
        }
    }

    public static CublasApi RealBlas()
    {
        lock (Gate)
        {
            if (_realBlas is not null) return _realBlas;
            var tried = new List<string>();
            // the loader's search path first, then the usual toolkit locations (often not in ld.so.conf)
            var dirs = new List<string> { "" };
            foreach (var env in new[] { "CUDA_HOME", "CUDA_PATH" })
                if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } root) dirs.Add(Path.Combine(root, "lib64"));
            dirs.AddRange(new[] { "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/x86_64-linux-gnu" });
            foreach (var v in new[] { "13", "12", "11" })
            {
                foreach (var dir in dirs)
                {
                    string lt = Path.Combine(dir, $"libcublasLt.so.{v}"), blas = Path.Combine(dir, $"libcublas.so.{v}");
                    if (dir.Length > 0 && !File.Exists(blas)) continue;
                    NativeLibrary.TryLoad(lt, out _);
                    if (NativeLibrary.TryLoad(blas, out var h))
                        return _realBlas = new CublasApi(h, blas);
                }
                tried.Add($"libcublas.so.{v}");
            }
            throw new CudaException($"cuBLAS could not be loaded (tried {string.Join(", ", tried)}); set UseCublas = false to use VisionCuda's own GEMM kernel");
        }
    }

    internal static void Check(DriverApi api, int rc, string call)
    {
        if (rc != 0) throw new CudaException(rc, api.ErrorName(rc), api.ErrorString(rc), call);
    }
}
