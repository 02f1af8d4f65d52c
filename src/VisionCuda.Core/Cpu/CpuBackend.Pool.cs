using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void MaxPool2dForward(in Pool2dGeometry g, Storage x, Storage y, Storage indices) => throw new NotImplementedException("cpu op pending");

    public void MaxPool2dBackward(in Pool2dGeometry g, Storage dy, Storage indices, Storage dx) => throw new NotImplementedException("cpu op pending");

    public void AvgPool2dForward(in Pool2dGeometry g, Storage x, Storage y) => throw new NotImplementedException("cpu op pending");

    public void AvgPool2dBackward(in Pool2dGeometry g, Storage dy, Storage dx) => throw new NotImplementedException("cpu op pending");

}
