using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void NllLoss(Storage logProbs, Storage targets, Storage? weight, Storage loss, Storage weightSum, long outer, int classes, long inner, float smoothing, int ignoreIndex) => throw new NotImplementedException("cpu op pending");

    public void NllLossBackward(Storage targets, Storage? weight, Storage dLoss, Storage dLogProbs, long outer, int classes, long inner, float smoothing, int ignoreIndex) => throw new NotImplementedException("cpu op pending");

    public void BceWithLogits(Storage x, Storage target, Storage loss, long count, float posWeight = 1f) => throw new NotImplementedException("cpu op pending");

    public void BceWithLogitsBackward(Storage x, Storage target, Storage dLoss, Storage dx, long count, float posWeight = 1f) => throw new NotImplementedException("cpu op pending");

    public void OneHot(Storage indices, Storage y, long count, int classes) => throw new NotImplementedException("cpu op pending");

}
