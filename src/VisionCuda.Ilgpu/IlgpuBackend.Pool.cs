using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Max and average pooling: Kernels/PoolKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    private static PoolGeo Geo(in Pool2dGeometry g) => new()
    {
        N = g.N, C = g.C, H = g.H, W = g.W, KH = g.KernelH, KW = g.KernelW, SH = g.StrideH, SW = g.StrideW, PH = g.PadH, PW = g.PadW,
        OH = g.OutH, OW = g.OutW, CountIncludePad = g.CountIncludePad ? 1 : 0,
    };

    public void MaxPool2dForward(in Pool2dGeometry g, Storage x, Storage y, Storage indices)
    {
        K("maxpool.fwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, PoolGeo>(PoolKernels.MaxForward))(
            Extent(g.OutputCount), F(x), F(y), I(indices), Geo(g));
    }

    public void MaxPool2dBackward(in Pool2dGeometry g, Storage dy, Storage indices, Storage dx)
    {
        K("maxpool.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, PoolGeo>(PoolKernels.MaxBackward))(
            Extent((long)g.N * g.C * g.H * g.W), F(dy), I(indices), F(dx), Geo(g));
    }

    public void AvgPool2dForward(in Pool2dGeometry g, Storage x, Storage y)
    {
        K("avgpool.fwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, PoolGeo>(PoolKernels.AvgForward))(
            Extent(g.OutputCount), F(x), F(y), Geo(g));
    }

    public void AvgPool2dBackward(in Pool2dGeometry g, Storage dy, Storage dx)
    {
        K("avgpool.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, PoolGeo>(PoolKernels.AvgBackward))(
            Extent((long)g.N * g.C * g.H * g.W), F(dy), F(dx), Geo(g));
    }
}
