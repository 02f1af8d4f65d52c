using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>NLL, BCE with logits and one-hot: Kernels/LossKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    public void NllLoss(Storage logProbs, Storage targets, Storage? weight, Storage loss, Storage weightSum, long outer, int classes, long inner,
                        float smoothing, int ignoreIndex)
    {
        long count = outer * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = classes, Inner = inner };
        var args = new NllArgs { Smoothing = smoothing, IgnoreIndex = ignoreIndex, HasWeight = weight is null ? 0 : 1 };
        K("nll", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceDims, NllArgs>(
            LossKernels.Nll))(Extent(count), F(logProbs), I(targets), weight is null ? F(logProbs) : F(weight), F(loss), F(weightSum), d, args);
    }

    public void NllLossBackward(Storage targets, Storage? weight, Storage dLoss, Storage dLogProbs, long outer, int classes, long inner,
                                float smoothing, int ignoreIndex)
    {
        long count = outer * classes * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = classes, Inner = inner };
        var args = new NllArgs { Smoothing = smoothing, IgnoreIndex = ignoreIndex, HasWeight = weight is null ? 0 : 1 };
        K("nll.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceDims, NllArgs>(
            LossKernels.NllBackward))(Extent(count), I(targets), weight is null ? F(dLoss) : F(weight), F(dLoss), F(dLogProbs), d, args);
    }

    public void BceWithLogits(Storage x, Storage target, Storage loss, long count, float posWeight = 1f)
    {
        if (count == 0) return;
        K("bce", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(LossKernels.Bce))(
            Extent(count), F(x), F(target), F(loss), posWeight);
    }

    public void BceWithLogitsBackward(Storage x, Storage target, Storage dLoss, Storage dx, long count, float posWeight = 1f)
    {
        if (count == 0) return;
        K("bce.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(LossKernels.BceBackward))(
            Extent(count), F(x), F(target), F(dLoss), F(dx), posWeight);
    }

    public void OneHot(Storage indices, Storage y, long count, int classes)
    {
        if (count == 0 || classes == 0) return;
        K("onehot", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, int>(LossKernels.OneHot))(
            Extent(count * classes), I(indices), F(y), classes);
    }
}
