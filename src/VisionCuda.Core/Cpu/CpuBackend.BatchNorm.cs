using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void BatchNormTrain(Storage x, Storage gamma, Storage beta, Storage y, Storage saveMean, Storage saveInvStd, Storage runningMean, Storage runningVar, int n, int c, long hw, float momentum, float eps) => throw new NotImplementedException("cpu op pending");

    public void BatchNormEval(Storage x, Storage gamma, Storage beta, Storage y, Storage runningMean, Storage runningVar, int n, int c, long hw, float eps) => throw new NotImplementedException("cpu op pending");

    public void BatchNormBackward(Storage x, Storage dy, Storage gamma, Storage saveMean, Storage saveInvStd, Storage dx, Storage dgamma, Storage dbeta, int n, int c, long hw) => throw new NotImplementedException("cpu op pending");

}
