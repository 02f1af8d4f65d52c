using System.Runtime.CompilerServices;
using VisionCuda.Cuda.Interop;

namespace VisionCuda.Cuda;

/// <summary>
/// Makes "cuda", "cuda:N", "N" and "cuda-emu" resolvable through <see cref="Devices"/>. Registration happens when
/// this assembly is loaded (module initializer); <see cref="EnsureRegistered"/> forces the load from code that
/// otherwise never touches a Cuda type (the CLI).
/// </summary>
public static class CudaDevices
{
    public static void EnsureRegistered()
    {
        NativeLibraries.InstallResolver();
        Devices.Register(new CudaDeviceProvider());
    }

#pragma warning disable CA2255 // a library module initializer is the point: registering the provider on load
    [ModuleInitializer]
    internal static void OnLoad() => EnsureRegistered();
#pragma warning restore CA2255

    /// <summary>Number of real CUDA devices (0 without a driver), probed through the process-wide LibraryImport binding.</summary>
    public static int RealDeviceCount()
    {
        NativeLibraries.InstallResolver();
        try
        {
            if (DriverImports.cuInit(0) != 0) return 0;
            return DriverImports.cuDeviceGetCount(out int n) == 0 ? n : 0;
        }
        catch (DllNotFoundException)
        {
            return 0;
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>Whether the emulator library is present (device "cuda-emu" can be opened).</summary>
    public static bool EmulatorAvailable => NativeLibraries.FindEmulator() is not null;

    /// <summary>Why a real GPU cannot be used, or null when one can.</summary>
    public static string? RealDeviceUnavailableReason()
    {
        if (NativeLibraries.TryRealDriver(out var error) is null) return error;
        return RealDeviceCount() > 0 ? null : "the NVIDIA driver reports no CUDA device";
    }
}

/// <summary>Device provider for the Cuda backend: "cuda:N" on real GPUs and "cuda-emu" on the host emulation.</summary>
public sealed class CudaDeviceProvider : IDeviceProvider
{
    public bool Handles(string normalizedName) =>
        normalizedName == "cuda-emu" || (normalizedName.StartsWith("cuda:", StringComparison.Ordinal)
                                         && int.TryParse(normalizedName.AsSpan(5), out _));

    public IEnumerable<string> AvailableDevices()
    {
        var names = new List<string>();
        int n = CudaDevices.RealDeviceCount();
        for (int i = 0; i < n; i++) names.Add($"cuda:{i}");
        if (CudaDevices.EmulatorAvailable) names.Add("cuda-emu");
        return names;
    }

    public Backends.IBackend Open(string normalizedName) =>
        normalizedName == "cuda-emu" ? CudaBackend.OpenEmulator() : CudaBackend.OpenDevice(int.Parse(normalizedName.AsSpan(5)));
}
