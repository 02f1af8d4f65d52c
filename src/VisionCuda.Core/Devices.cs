using VisionCuda.Backends;
using VisionCuda.Cpu;

namespace VisionCuda;

/// <summary>
/// Resolves device names (conventions.md: cpu, cuda, cuda:N, N, cuda-emu, ilgpu:cpu, ilgpu:cl:N, ilgpu:cuda:N) to
/// backends. The Cuda and Ilgpu assemblies register themselves as providers, so the core library does not
/// depend on them. Backends are created once per name and shared.
/// </summary>
public static class Devices
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, IBackend> Open = new(StringComparer.OrdinalIgnoreCase);
    private static readonly List<IDeviceProvider> Providers = new();
    private static IBackend? _default;

    /// <summary>The backend tensors are created on when none is named: the Cpu backend unless changed.</summary>
    public static IBackend Default
    {
        get
        {
            lock (Gate) return _default ??= Get("cpu");
        }
        set
        {
            lock (Gate) _default = value;
        }
    }

    public static void Register(IDeviceProvider provider)
    {
        lock (Gate)
        {
            if (!Providers.Any(p => p.GetType() == provider.GetType())) Providers.Add(provider);
        }
    }

    /// <summary>Names of the devices that can be opened on this machine.</summary>
    public static IReadOnlyList<string> Available()
    {
        lock (Gate)
        {
            var names = new List<string> { "cpu" };
            foreach (var p in Providers) names.AddRange(p.AvailableDevices());
            return names;
        }
    }

    public static IBackend Get(string name)
    {
        string key = Normalize(name);
        lock (Gate)
        {
            if (Open.TryGetValue(key, out var b)) return b;
            IBackend? backend = key == "cpu" ? new CpuBackend() : null;
            foreach (var p in Providers)
            {
                if (backend is not null) break;
                if (p.Handles(key)) backend = p.Open(key);
            }
            if (backend is null)
                throw new DeviceNotFoundException(name, Available());
            Open[key] = backend;
            return backend;
        }
    }

    /// <summary>"0" means "cuda:0" and "cuda" means "cuda:0", as in Ultralytics.</summary>
    public static string Normalize(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        if (n.Length > 0 && n.All(char.IsDigit)) return "cuda:" + n;
        if (n == "cuda") return "cuda:0";
        return n;
    }
}

/// <summary>Implemented by backend assemblies (Cuda, Ilgpu) to make their device names resolvable.</summary>
public interface IDeviceProvider
{
    bool Handles(string normalizedName);

    IEnumerable<string> AvailableDevices();

    IBackend Open(string normalizedName);
}

public sealed class DeviceNotFoundException : Exception
{
    public DeviceNotFoundException(string requested, IReadOnlyList<string> available)
        : base($"device '{requested}' is not available on this machine. Available devices: {string.Join(", ", available)}")
    {
        Requested = requested;
        AvailableDevices = available;
    }

    public string Requested { get; }

    public IReadOnlyList<string> AvailableDevices { get; }
}
