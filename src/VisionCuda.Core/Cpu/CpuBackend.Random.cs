using VisionCuda.Cpu.Diagnostics;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;
using VisionCuda.Random;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    /// <summary>
    /// mask[i] = Philox.Uniform(seed, offset + i) &lt; p ? 0 : 1/(1-p). A pure function of (seed, offset + i), the
    /// same formula the GPU kernels use, so every backend and every thread split draws the same mask.
    /// </summary>
    public void DropoutMask(Storage mask, long count, float p, ulong seed, ulong offset)
    {
        using var profiled = Time("dropout");
        float* pm = P(mask);
        float keep = 1f / (1f - p);
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) =>
        {
            for (long i = s; i < e; i++) pm[i] = Philox.Uniform(seed, offset + (ulong)i) < p ? 0f : keep;
        });
    }
}
