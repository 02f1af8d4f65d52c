using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace VisionCuda.Ilgpu;

/// <summary>
/// Makes the names <c>ilgpu:cpu</c>, <c>ilgpu:cl:N</c> and <c>ilgpu:cuda:N</c> resolvable through
/// <see cref="Devices.Get"/>. The device list is probed once (an ILGPU context over every accelerator type) and
/// cached; a name that is not in it is not handled, so <see cref="Devices.Get"/> answers with its
/// <see cref="DeviceNotFoundException"/> listing what is available.
/// </summary>
public sealed class IlgpuDeviceProvider : IDeviceProvider
{
    private static readonly Lazy<IReadOnlyList<string>> Probed = new(Probe);

    public bool Handles(string normalizedName) =>
        normalizedName.StartsWith("ilgpu:", StringComparison.Ordinal) && AvailableDevices().Contains(normalizedName);

    public IEnumerable<string> AvailableDevices() => Probed.Value;

    public Backends.IBackend Open(string normalizedName)
    {
        var (kind, index) = Parse(normalizedName)
            ?? throw new DeviceNotFoundException(normalizedName, Devices.Available());
        return new IlgpuBackend(kind, index);
    }

    internal static (IlgpuDeviceKind Kind, int Index)? Parse(string name)
    {
        if (name == "ilgpu:cpu") return (IlgpuDeviceKind.Cpu, 0);
        if (name.StartsWith("ilgpu:cl:", StringComparison.Ordinal) && int.TryParse(name.AsSpan(9), out int cl) && cl >= 0)
            return (IlgpuDeviceKind.OpenCL, cl);
        if (name.StartsWith("ilgpu:cuda:", StringComparison.Ordinal) && int.TryParse(name.AsSpan(11), out int cu) && cu >= 0)
            return (IlgpuDeviceKind.Cuda, cu);
        return null;
    }

    private static IReadOnlyList<string> Probe()
    {
        var names = new List<string> { "ilgpu:cpu" };
        try
        {
            // OpenCL() keeps only the devices ILGPU can compile for (generic address space: pocl is filtered out).
            using var context = Context.Create(b => b.Cuda().OpenCL());
            for (int i = 0; i < context.GetCudaDevices().Count; i++) names.Add($"ilgpu:cuda:{i}");
            for (int i = 0; i < context.GetCLDevices().Count; i++) names.Add($"ilgpu:cl:{i}");
        }
        catch (Exception)
        {
            // A broken or missing GPU driver leaves only the CPU accelerator; the probe itself must not fail.
        }
        return names;
    }
}

public enum IlgpuDeviceKind
{
    Cpu,
    OpenCL,
    Cuda,
}

/// <summary>Registers <see cref="IlgpuDeviceProvider"/> with <see cref="Devices"/>.</summary>
public static class IlgpuDevices
{
    /// <summary>
    /// Registers the provider (idempotent). The module initializer does it when this assembly loads; an app that
    /// only names the device as a string (the CLI's --device) calls this so the assembly is loaded at all.
    /// </summary>
    public static void EnsureRegistered() => Devices.Register(new IlgpuDeviceProvider());

#pragma warning disable CA2255 // a library module initializer is the point: loading the assembly registers its devices
    [ModuleInitializer]
    internal static void Init() => EnsureRegistered();
#pragma warning restore CA2255
}
