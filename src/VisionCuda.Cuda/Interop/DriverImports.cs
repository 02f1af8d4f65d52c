using System.Runtime.InteropServices;

namespace VisionCuda.Cuda.Interop;

/// <summary>
/// Process-wide LibraryImport declarations of the few driver calls used to probe for real GPUs before any backend
/// exists. The library name is mapped to libcuda.so.1 by <see cref="NativeLibraries.InstallResolver"/>. Everything a
/// backend does goes through its own <see cref="DriverApi"/> instead (see there for why).
/// </summary>
internal static partial class DriverImports
{
    public const string Library = "visioncuda_libcuda";

    [LibraryImport(Library, EntryPoint = "cuInit")]
    public static partial int cuInit(uint flags);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetCount")]
    public static partial int cuDeviceGetCount(out int count);
}
