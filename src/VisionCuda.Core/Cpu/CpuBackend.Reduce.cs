using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Reduce(ReduceOp op, Storage x, Storage y, long outer, int dimSize, long inner, Storage? argmax = null) => throw new NotImplementedException("cpu op pending");

    public void ReduceBackward(ReduceOp op, Storage dy, Storage dx, long outer, int dimSize, long inner, Storage? argmax = null) => throw new NotImplementedException("cpu op pending");

}
