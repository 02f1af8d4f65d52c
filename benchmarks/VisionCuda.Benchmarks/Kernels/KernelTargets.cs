using VisionCuda.Bench;
using VisionCuda.Cuda;

namespace VisionCuda.Benchmarks.Kernels;

/// <summary>
/// Which (device, case) pairs the kernel benchmarks run, as "device | case key" parameter values:
/// - the cases of size VISIONCUDA_BENCH_SIZE (tiny, small or model; default model) on cpu, and on cuda:0 when the
///   NVIDIA driver reports a GPU;
/// - the tiny cases on ilgpu:cpu (its capabilities say it runs kernels at interpreter speed; bigger shapes would take minutes);
/// - VISIONCUDA_BENCH_DEVICES (comma-separated, e.g. "cpu,cuda-emu") replaces the device list.
/// </summary>
public static class KernelTargets
{
    public const string SizeVariable = "VISIONCUDA_BENCH_SIZE", DevicesVariable = "VISIONCUDA_BENCH_DEVICES";

    public static string Size => Environment.GetEnvironmentVariable(SizeVariable) is { Length: > 0 } s ? s : "model";

    public static IEnumerable<string> For(string op)
    {
        var devices = Environment.GetEnvironmentVariable(DevicesVariable) is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : DefaultDevices();
        foreach (var device in devices)
        {
            string size = SizeFor(device);
            foreach (var key in KernelCatalog.Keys(size, op))
                yield return device + " | " + key;
        }
    }

    public static (string Device, string Key) Parse(string target)
    {
        int bar = target.IndexOf(" | ", StringComparison.Ordinal);
        if (bar < 0) throw new ArgumentException($"benchmark target '{target}' is not 'device | case'");
        return (target[..bar], target[(bar + 3)..]);
    }

    // Interpreter-speed backends (ilgpu:cpu) take the tiny shapes whatever size was asked for. A device that cannot be
    // opened keeps the size asked for and fails in the benchmark's setup with the usual message.
    private static string SizeFor(string device)
    {
        try
        {
            return BenchDevices.Open(device).Capabilities.InterpreterSpeed ? "tiny" : Size;
        }
        catch (DeviceNotFoundException)
        {
            return Size;
        }
    }

    private static IEnumerable<string> DefaultDevices()
    {
        yield return "cpu";
        if (CudaDevices.RealDeviceCount() > 0) yield return "cuda:0";
        yield return "ilgpu:cpu";
    }
}
