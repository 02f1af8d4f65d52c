using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Fused optimizer steps and EMA: Kernels/OptimKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    public void SgdStep(Storage param, Storage grad, Storage momentumBuffer, long count, float lr, float momentum, float weightDecay,
                        bool nesterov, bool firstStep)
    {
        if (count == 0) return;
        var args = new SgdArgs { Lr = lr, Momentum = momentum, WeightDecay = weightDecay, Nesterov = nesterov ? 1 : 0, FirstStep = firstStep ? 1 : 0 };
        K("sgd", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdArgs>(OptimKernels.Sgd))(
            Extent(count), F(param), F(grad), F(momentumBuffer), args);
    }

    public void AdamStep(Storage param, Storage grad, Storage m, Storage v, long count, float lr, float beta1, float beta2, float eps,
                         float weightDecay, bool decoupled, int step)
    {
        if (count == 0) return;
        double bc1 = 1.0 - Math.Pow(beta1, step), bc2 = 1.0 - Math.Pow(beta2, step);
        var args = new AdamArgs
        {
            Lr = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, WeightDecay = weightDecay, Decoupled = decoupled ? 1 : 0,
            StepSize = (float)(lr / bc1), Bc2Sqrt = (float)Math.Sqrt(bc2),
        };
        K("adam", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>(OptimKernels.Adam))(
            Extent(count), F(param), F(grad), F(m), F(v), args);
    }

    public void EmaUpdate(Storage ema, Storage param, long count, float decay)
    {
        if (count == 0) return;
        K("ema", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(OptimKernels.Ema))(Extent(count), F(ema), F(param), decay);
    }
}
