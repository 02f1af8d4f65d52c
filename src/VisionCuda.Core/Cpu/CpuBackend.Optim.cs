using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void SgdStep(Storage param, Storage grad, Storage momentumBuffer, long count, float lr, float momentum, float weightDecay, bool nesterov, bool firstStep) => throw new NotImplementedException("cpu op pending");

    public void AdamStep(Storage param, Storage grad, Storage m, Storage v, long count, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int step) => throw new NotImplementedException("cpu op pending");

    public void EmaUpdate(Storage ema, Storage param, long count, float decay) => throw new NotImplementedException("cpu op pending");

}
