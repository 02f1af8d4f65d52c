using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

public sealed partial class IlgpuBackend
{
    // ---- GEMM ---------------------------------------------------------------------------------------------

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Storage a, long aOffset, long strideA,
                     Storage b, long bOffset, long strideB, float beta, Storage c, long cOffset, long strideC, int batch = 1)
    {
        if (m <= 0 || n <= 0 || batch <= 0) return;
        int t = GemmTile;
        var args = new GemmArgs
        {
            M = m, N = n, K = Math.Max(k, 0), TransA = transA ? 1 : 0, TransB = transB ? 1 : 0, Tile = t,
            Alpha = alpha, Beta = beta, AOffset = aOffset, BOffset = bOffset, COffset = cOffset,
            StrideA = strideA, StrideB = strideB, StrideC = strideC,
        };
        var config = new KernelConfig(
            new Index3D((n + t - 1) / t, (m + t - 1) / t, batch),
            new Index3D(t, t, 1),
            SharedMemoryConfig.RequestDynamic<float>(2 * t * t));
        K("gemm", acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernels.Gemm))(
            config, F(a), F(b), F(c), args);
    }

    // ---- convolution ----------------------------------------------------------------------------------------

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

    // ---- batch-norm -------------------------------------------------------------------------------------------

    public void BatchNormTrain(Storage x, Storage gamma, Storage beta, Storage y, Storage saveMean, Storage saveInvStd,
                               Storage runningMean, Storage runningVar, int n, int c, long hw, float momentum, float eps)
    {
        var args = new BnArgs { N = n, C = c, HW = hw, Momentum = momentum, Eps = eps };
        K("bn.stats", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(
            NormKernels.Stats))(Extent(c), F(x), F(saveMean), F(saveInvStd), F(runningMean), F(runningVar), args);
        K("bn.train", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(
            NormKernels.ApplyTrain))(Extent((long)n * c * hw), F(x), F(y), F(saveMean), F(saveInvStd), F(gamma), F(beta), args);
    }

    public void BatchNormEval(Storage x, Storage gamma, Storage beta, Storage y, Storage runningMean, Storage runningVar,
                              int n, int c, long hw, float eps)
    {
        var args = new BnArgs { N = n, C = c, HW = hw, Eps = eps };
        K("bn.eval", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(
            NormKernels.ApplyEval))(Extent((long)n * c * hw), F(x), F(y), F(runningMean), F(runningVar), F(gamma), F(beta), args);
    }

    public void BatchNormBackward(Storage x, Storage dy, Storage gamma, Storage saveMean, Storage saveInvStd,
                                  Storage dx, Storage dgamma, Storage dbeta, int n, int c, long hw)
    {
        var args = new BnArgs { N = n, C = c, HW = hw };
        K("bn.bwd.reduce", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(
            NormKernels.BackwardReduce))(Extent(c), F(x), F(dy), F(saveMean), F(saveInvStd), F(dgamma), F(dbeta), args);
        K("bn.bwd.dx", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, BnArgs>(NormKernels.BackwardDx))(
            Extent((long)n * c * hw), F(x), F(dy), F(gamma), F(saveMean), F(saveInvStd), F(dgamma), F(dbeta), F(dx), args);
    }

    // ---- pooling ------------------------------------------------------------------------------------------------

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
