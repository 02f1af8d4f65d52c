using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Softmax(Storage x, Storage y, long outer, int dimSize, long inner, bool log) => throw new NotImplementedException("cpu op pending");

    public void SoftmaxBackward(Storage y, Storage dy, Storage dx, long outer, int dimSize, long inner, bool log) => throw new NotImplementedException("cpu op pending");

}
