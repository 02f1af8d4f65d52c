using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Upsample(InterpolationMode mode, bool alignCorners, Storage x, Storage y, long planes, int h, int w, int outH, int outW) => throw new NotImplementedException("cpu op pending");

    public void UpsampleBackward(InterpolationMode mode, bool alignCorners, Storage dy, Storage dx, long planes, int h, int w, int outH, int outW) => throw new NotImplementedException("cpu op pending");

}
