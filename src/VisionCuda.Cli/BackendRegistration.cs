namespace VisionCuda.Cli;

/// <summary>Makes the Cuda and Ilgpu device names resolvable; the core library knows neither assembly.</summary>
internal static class BackendRegistration
{
    public static void EnsureRegistered()
    {
        // Touching a type runs each assembly's module initializer, which registers its device provider.
        foreach (var name in new[] { "VisionCuda.Cuda.CudaDevices, VisionCuda.Cuda", "VisionCuda.Ilgpu.IlgpuDevices, VisionCuda.Ilgpu" })
        {
            var t = Type.GetType(name, throwOnError: false);
            t?.GetMethod("EnsureRegistered")?.Invoke(null, null);
        }
    }
}
