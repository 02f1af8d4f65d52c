using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Conv2dForward(in Conv2dGeometry g, Storage x, Storage w, Storage? bias, Storage y) => throw new NotImplementedException("cpu op pending");

    public void Conv2dBackwardData(in Conv2dGeometry g, Storage dy, Storage w, Storage dx) => throw new NotImplementedException("cpu op pending");

    public void Conv2dBackwardWeight(in Conv2dGeometry g, Storage x, Storage dy, Storage dw, Storage? dbias) => throw new NotImplementedException("cpu op pending");

}
