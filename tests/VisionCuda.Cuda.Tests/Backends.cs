using VisionCuda.Cpu;

namespace VisionCuda.Cuda.Tests;

/// <summary>
/// Shared backends for the suites: one cuda-emu backend, one cuda:0 backend (when a GPU is present) and the Cpu
/// reference, each opened once per test run.
/// </summary>
public static class TestBackends
{
    private static readonly Lazy<CudaBackend> Emu = new(CudaBackend.OpenEmulator);
    private static readonly Lazy<CudaBackend> Gpu = new(() => CudaBackend.OpenDevice(0));
    private static readonly Lazy<CpuBackend> CpuRef = new(() => new CpuBackend());

    public static CudaBackend Emulator => Emu.Value;

    public static CudaBackend Gpu0 => Gpu.Value;

    public static CpuBackend Cpu => CpuRef.Value;

    /// <summary>Null when a real GPU can run the Gpu category, else the reason it is skipped.</summary>
    public static string? GpuSkipReason { get; } = ComputeGpuSkip();

    private static string? ComputeGpuSkip()
    {
        try
        {
            var reason = CudaDevices.RealDeviceUnavailableReason();
            return reason is null ? null : $"no GPU on this machine ({reason}); the Gpu category runs where one is present";
        }
        catch (Exception e)
        {
            return $"no GPU on this machine ({e.Message})";
        }
    }
}

/// <summary>A Fact that runs only where libcuda.so.1 loads and reports a device; otherwise skipped with the reason.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (TestBackends.GpuSkipReason is { } r) Skip = r;
    }
}

/// <summary>The Theory form of <see cref="GpuFactAttribute"/>.</summary>
public sealed class GpuTheoryAttribute : TheoryAttribute
{
    public GpuTheoryAttribute()
    {
        if (TestBackends.GpuSkipReason is { } r) Skip = r;
    }
}

/// <summary>
/// The tests that share <see cref="TestBackends.Emulator"/> run one at a time: a backend is one ordered queue, and
/// some cases flip its <see cref="CudaBackend.UseCublas"/> switch.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EmuCollection
{
    public const string Name = "cuda-emu backend";
}
