using VisionCuda.Cpu;
using VisionCuda.Cuda;
using VisionCuda.Ilgpu;

namespace VisionCuda.Backends.Tests.Harness;

/// <summary>
/// The devices the suite runs over, as conventions.md names them, and which of them this machine has. `cpu` is checked
/// against the naive references; every other device against a Cpu backend of its own. ilgpu:cpu runs the tiny cases only.
/// </summary>
public static class DeviceRows
{
    public static readonly string[] All = ["cpu", "cuda-emu", "cuda:0", "ilgpu:cpu", "ilgpu:cuda:0", "ilgpu:cl:0"];

    private static readonly Lazy<IReadOnlyList<string>> Present = new(() =>
    {
        CudaDevices.EnsureRegistered();
        IlgpuDevices.EnsureRegistered();
        return Devices.Available();
    });

    private static readonly Dictionary<string, (IBackend Device, IBackend Cpu)> Opened = new();

    /// <summary>Null when the device can be opened here, else why it is skipped.</summary>
    public static string? SkipReason(string device)
    {
        if (Present.Value.Contains(device)) return null;
        string why = device switch
        {
            "cuda-emu" => "the host emulator library (native/, built by `dotnet build src/VisionCuda.Cuda`) is missing",
            "cuda:0" => CudaDevices.RealDeviceUnavailableReason() ?? "no CUDA device 0",
            "ilgpu:cuda:0" => "ILGPU finds no CUDA device",
            "ilgpu:cl:0" => "ILGPU finds no OpenCL device",
            _ => "not present",
        };
        return $"{device} is not on this machine ({why}); available: {string.Join(", ", Present.Value)}";
    }

    /// <summary>Whether the case runs on the device at all (ilgpu:cpu: tiny cases only).</summary>
    public static bool Runs(string device, OpCase c) => device != "ilgpu:cpu" || c.Tiny;

    /// <summary>The device under test and its Cpu comparison backend, opened once per run.</summary>
    public static (IBackend Device, IBackend Cpu) Open(string device)
    {
        lock (Opened)
        {
            if (Opened.TryGetValue(device, out var pair)) return pair;
            _ = Present.Value;
            // each row has a Cpu backend of its own: rows run in parallel and a backend is one ordered queue
            var cpu = new CpuBackend();
            pair = device == "cpu" ? (cpu, cpu) : (Devices.Get(device), cpu);
            Opened[device] = pair;
            return pair;
        }
    }

    /// <summary>A second, private backend of the device (the lifetime case disposes it).</summary>
    public static IBackend OpenFresh(string device) => device switch
    {
        "cpu" => new CpuBackend(),
        _ when device.StartsWith("ilgpu:", StringComparison.Ordinal) => new IlgpuDeviceProvider().Open(device),
        _ => new CudaDeviceProvider().Open(device),
    };

    /// <summary>
    /// Runs one case on one device; returns null when it ran, else why it has nothing to check on this row (a case
    /// without a naive reference on the cpu row). Throws <see cref="OpMismatchException"/> on a mismatch.
    /// </summary>
    public static string? Run(OpCase c, string device)
    {
        var (dev, cpu) = Open(device);
        int checks;
        using (var ctx = new OpContext(dev, cpu, () => OpenFresh(device)))
        {
            try
            {
                c.Run(ctx);
            }
            catch (KnownIssueException e)
            {
                return $"{c.Name} on {device}: known issue: {e.Message}";
            }
            checks = ctx.OracleChecks;
        }
        if (dev is CudaBackend cb) cb.UseCublas = true;   // a failed GEMM case must not leave the switch off
        return ReferenceEquals(dev, cpu) && checks == 0
            ? $"{c.Name}: no naive reference for this case yet; the Cpu backend is its oracle on the device rows"
            : null;
    }
}
