using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Box ops (CIoU, IoU matrix, DFL, assigner metrics): Kernels/BoxKernels.cs, one thread per output position.</summary>
public sealed partial class IlgpuBackend
{
    public void Ciou(Storage pred, Storage target, Storage ciou, long outer, long inner, float eps)
    {
        long count = outer * inner;
        if (count == 0) return;
        K("box.ciou", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, BoxDims, float>(BoxKernels.Ciou))(
            Extent(count), F(pred), F(target), F(ciou), new BoxDims { Outer = outer, Bins = 4, Inner = inner }, eps);
    }

    public void CiouBackward(Storage pred, Storage target, Storage dCiou, Storage dPred, long outer, long inner, float eps)
    {
        long count = outer * inner;
        if (count == 0) return;
        K("box.ciou.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BoxDims, float>(
            BoxKernels.CiouBackward))(Extent(count), F(pred), F(target), F(dCiou), F(dPred), new BoxDims { Outer = outer, Bins = 4, Inner = inner }, eps);
    }

    public void BoxIouMatrix(Storage a, Storage b, Storage iou, int n, int m)
    {
        long count = (long)n * m;
        if (count == 0) return;
        K("box.iou", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(BoxKernels.IouMatrix))(
            Extent(count), F(a), F(b), F(iou), m);
    }

    public void DflDecode(Storage logits, Storage dist, long outer, int bins, long inner)
    {
        long count = outer * inner;
        if (count == 0) return;
        K("dfl.decode", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, BoxDims>(BoxKernels.DflDecode))(
            Extent(count), F(logits), F(dist), new BoxDims { Outer = outer, Bins = bins, Inner = inner });
    }

    public void DflDecodeBackward(Storage logits, Storage dDist, Storage dLogits, long outer, int bins, long inner)
    {
        long count = outer * inner;
        if (count == 0) return;
        K("dfl.decode.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, BoxDims>(BoxKernels.DflDecodeBackward))(
            Extent(count), F(logits), F(dDist), F(dLogits), new BoxDims { Outer = outer, Bins = bins, Inner = inner });
    }

    public void DflLoss(Storage logits, Storage target, Storage weight, Storage loss, long outer, int bins, long inner)
    {
        long count = outer * inner;
        if (count == 0) return;
        K("dfl.loss", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BoxDims>(BoxKernels.DflLoss))(
            Extent(count), F(logits), F(target), F(weight), F(loss), new BoxDims { Outer = outer, Bins = bins, Inner = inner });
    }

    public void DflLossBackward(Storage logits, Storage target, Storage weight, Storage dLoss, Storage dLogits, long outer, int bins, long inner)
    {
        long count = outer * inner;
        if (count == 0) return;
        K("dfl.loss.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BoxDims>(
            BoxKernels.DflLossBackward))(Extent(count), F(logits), F(target), F(weight), F(dLoss), F(dLogits), new BoxDims { Outer = outer, Bins = bins, Inner = inner });
    }

    public void AssignerMetrics(Storage scores, Storage predBoxes, Storage anchors, Storage gtBoxes, Storage gtClasses, Storage gtCounts,
                                Storage inside, Storage overlap, Storage metric,
                                int batch, int maxGts, int anchorCount, int classes, float alpha, float beta, float eps)
    {
        long count = (long)batch * maxGts * anchorCount;
        if (count == 0) return;
        var p = new AssignerArgs { Batch = batch, MaxGts = maxGts, Anchors = anchorCount, Classes = classes, Alpha = alpha, Beta = beta, Eps = eps };
        K("assigner.metrics", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, AssignerArgs>(BoxKernels.AssignerMetrics))(
            Extent(count), F(scores), F(predBoxes), F(anchors), F(gtBoxes), I(gtClasses), I(gtCounts), I(inside), F(overlap), F(metric), p);
    }
}
