using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

public sealed partial class IlgpuBackend
{
    public void Reduce(ReduceOp op, Storage x, Storage y, long outer, int dimSize, long inner, Storage? argmax = null)
    {
        long count = outer * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = dimSize, Inner = inner };
        var am = argmax is null ? S(x).I : I(argmax);
        K("reduce", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceDims, int, int>(ReduceKernels.Reduce))(
            Extent(count), F(x), F(y), am, d, (int)op, argmax is null ? 0 : 1);
    }

    public void ReduceBackward(ReduceOp op, Storage dy, Storage dx, long outer, int dimSize, long inner, Storage? argmax = null)
    {
        long count = outer * dimSize * inner;
        if (count == 0) return;
        if (op == ReduceOp.Max && argmax is null) throw new ArgumentException("max backward needs the argmax from the forward");
        var d = new ReduceDims { Outer = outer, Dim = dimSize, Inner = inner };
        var am = argmax is null ? S(dy).I : I(argmax);
        K("reduce.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceDims, int>(ReduceKernels.ReduceBackward))(
            Extent(count), F(dy), F(dx), am, d, (int)op);
    }

    public void Softmax(Storage x, Storage y, long outer, int dimSize, long inner, bool log)
    {
        long count = outer * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = dimSize, Inner = inner };
        K("softmax", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ReduceDims, int>(ReduceKernels.Softmax))(
            Extent(count), F(x), F(y), d, log ? 1 : 0);
    }

    public void SoftmaxBackward(Storage y, Storage dy, Storage dx, long outer, int dimSize, long inner, bool log)
    {
        long count = outer * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = dimSize, Inner = inner };
        K("softmax.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceDims, int>(ReduceKernels.SoftmaxBackward))(
            Extent(count), F(y), F(dy), F(dx), d, log ? 1 : 0);
    }

    public void NllLoss(Storage logProbs, Storage targets, Storage? weight, Storage loss, Storage weightSum, long outer, int classes, long inner,
                        float smoothing, int ignoreIndex)
    {
        long count = outer * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = classes, Inner = inner };
        var args = new NllArgs { Smoothing = smoothing, IgnoreIndex = ignoreIndex, HasWeight = weight is null ? 0 : 1 };
        K("nll", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceDims, NllArgs>(
            ReduceKernels.Nll))(Extent(count), F(logProbs), I(targets), weight is null ? F(logProbs) : F(weight), F(loss), F(weightSum), d, args);
    }

    public void NllLossBackward(Storage targets, Storage? weight, Storage dLoss, Storage dLogProbs, long outer, int classes, long inner,
                                float smoothing, int ignoreIndex)
    {
        long count = outer * classes * inner;
        if (count == 0) return;
        var d = new ReduceDims { Outer = outer, Dim = classes, Inner = inner };
        var args = new NllArgs { Smoothing = smoothing, IgnoreIndex = ignoreIndex, HasWeight = weight is null ? 0 : 1 };
        K("nll.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceDims, NllArgs>(
            ReduceKernels.NllBackward))(Extent(count), I(targets), weight is null ? F(dLoss) : F(weight), F(dLoss), F(dLogProbs), d, args);
    }

    public void BceWithLogits(Storage x, Storage target, Storage loss, long count, float posWeight = 1f)
    {
        if (count == 0) return;
        K("bce", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(ReduceKernels.Bce))(
            Extent(count), F(x), F(target), F(loss), posWeight);
    }

    public void BceWithLogitsBackward(Storage x, Storage target, Storage dLoss, Storage dx, long count, float posWeight = 1f)
    {
        if (count == 0) return;
        K("bce.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(ReduceKernels.BceBackward))(
            Extent(count), F(x), F(target), F(dLoss), F(dx), posWeight);
    }

    public void OneHot(Storage indices, Storage y, long count, int classes)
    {
        if (count == 0 || classes == 0) return;
        K("onehot", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, int>(ReduceKernels.OneHot))(
            Extent(count * classes), I(indices), F(y), classes);
    }
}
