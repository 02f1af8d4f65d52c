using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Direct convolution and its backwards: Kernels/ConvKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
    private static ConvGeo Geo(in Conv2dGeometry g) => new()
    {
        N = g.N, C = g.C, H = g.H, W = g.W, K = g.K, R = g.R, S = g.S, SH = g.StrideH, SW = g.StrideW, PH = g.PadH, PW = g.PadW,
        DH = g.DilationH, DW = g.DilationW, G = g.Groups, OH = g.OutH, OW = g.OutW,
    };

    public void Conv2dForward(in Conv2dGeometry g, Storage x, Storage w, Storage? bias, Storage y)
    {
        K("conv.fwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvGeo, int>(ConvKernels.Forward))(
            Extent(g.OutputCount), F(x), F(w), bias is null ? F(w) : F(bias), F(y), Geo(g), bias is null ? 0 : 1);
    }

    public void Conv2dBackwardData(in Conv2dGeometry g, Storage dy, Storage w, Storage dx)
    {
        K("conv.bwd.data", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvGeo>(ConvKernels.BackwardData))(
            Extent(g.InputCount), F(dy), F(w), F(dx), Geo(g));
    }

    public void Conv2dBackwardWeight(in Conv2dGeometry g, Storage x, Storage dy, Storage dw, Storage? dbias)
    {
        var geo = Geo(g);
        K("conv.bwd.weight", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvGeo>(ConvKernels.BackwardWeight))(
            Extent(g.WeightCount), F(x), F(dy), F(dw), geo);
        if (dbias is not null)
            K("conv.bwd.bias", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvGeo>(ConvKernels.BackwardBias))(
                Extent(g.K), F(dy), F(dbias), geo);
    }
}
