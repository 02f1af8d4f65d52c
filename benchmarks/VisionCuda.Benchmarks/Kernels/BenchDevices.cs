using VisionCuda.Backends;
using VisionCuda.Cuda;
using VisionCuda.Ilgpu;

namespace VisionCuda.Benchmarks.Kernels;

/// <summary>Opens a benchmark device by name with every backend assembly registered, so callers can ask its capabilities.</summary>
public static class BenchDevices
{
    public static IBackend Open(string device)
    {
        CudaDevices.EnsureRegistered();
        IlgpuDevices.EnsureRegistered();
        return Devices.Get(device);
    }
}
