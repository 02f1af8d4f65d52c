using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

/// <summary>Batched GEMM: Kernels/GemmKernels.cs.</summary>
public sealed partial class IlgpuBackend
{
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
}
