using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Batch normalisation: Kernels/BatchNormKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    public void BatchNormTrain(Storage x, Storage gamma, Storage beta, Storage y, Storage saveMean, Storage saveInvStd,
                               Storage runningMean, Storage runningVar, int n, int c, long hw, float momentum, float eps)
    {
        var args = new BnArgs { N = n, C = c, HW = hw, Momentum = momentum, Eps = eps };
        K("bn.stats", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(
            BatchNormKernels.Stats))(Extent(c), F(x), F(saveMean), F(saveInvStd), F(runningMean), F(runningVar), args);
        K("bn.train", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(
            BatchNormKernels.ApplyTrain))(Extent((long)n * c * hw), F(x), F(y), F(saveMean), F(saveInvStd), F(gamma), F(beta), args);
    }

    public void BatchNormEval(Storage x, Storage gamma, Storage beta, Storage y, Storage runningMean, Storage runningVar,
                              int n, int c, long hw, float eps)
    {
        var args = new BnArgs { N = n, C = c, HW = hw, Eps = eps };
        K("bn.eval", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(
            BatchNormKernels.ApplyEval))(Extent((long)n * c * hw), F(x), F(y), F(runningMean), F(runningVar), F(gamma), F(beta), args);
    }

    public void BatchNormBackward(Storage x, Storage dy, Storage gamma, Storage saveMean, Storage saveInvStd,
                                  Storage dx, Storage dgamma, Storage dbeta, int n, int c, long hw)
    {
        var args = new BnArgs { N = n, C = c, HW = hw };
        K("bn.bwd.reduce", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(
            BatchNormKernels.BackwardReduce))(Extent(c), F(x), F(dy), F(saveMean), F(saveInvStd), F(dgamma), F(dbeta), args);
        K("bn.bwd.dx", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(BatchNormKernels.BackwardDx))(
            Extent((long)n * c * hw), F(x), F(dy), F(gamma), F(saveMean), F(saveInvStd), F(dgamma), F(dbeta), F(dx), args);
    }
}
