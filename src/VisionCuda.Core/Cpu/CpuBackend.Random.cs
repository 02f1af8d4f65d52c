using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void DropoutMask(Storage mask, long count, float p, ulong seed, ulong offset) => throw new NotImplementedException("cpu op pending");

}
