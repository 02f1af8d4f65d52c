using VisionCuda.Backends;
using VisionCuda.Cuda.Interop;

namespace VisionCuda.Cuda;

public sealed unsafe partial class CudaBackend
{
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
                     Storage a, long aOffset, long strideA,
                     Storage b, long bOffset, long strideB,
                     float beta, Storage c, long cOffset, long strideC, int batch = 1)
    {
        GemmCore(transA, transB, m, n, k, alpha, S(a).At(aOffset), strideA, S(b).At(bOffset), strideB,
            beta, S(c).At(cOffset), strideC, batch);
    }

    /// <summary>
    /// Row-major batched GEMM on raw device addresses (leading dims are the packed ones: lda = transA ? m : k,
    /// ldb = transB ? k : n, ldc = n). cuBLAS is column-major, so row-major C = op(A) op(B) is issued as the
    /// column-major C^T = op(B)^T op(A)^T, i.e. the operands swapped.
    /// </summary>
    internal void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
                           DevPtr a, long strideA, DevPtr b, long strideB,
                           float beta, DevPtr c, long strideC, int batch)
    {
        if (m <= 0 || n <= 0 || batch <= 0) return;
        int lda = transA ? m : k, ldb = transB ? k : n, ldc = n;
        if (k <= 0)
        {
            // C = beta*C: nothing to multiply (only scaling, which the kernels do not need today)
            if (beta == 0f) for (int i = 0; i < batch; i++) Launch1D(K.vc_fill_f32, (long)m * n, c.Offset(i * strideC * 4), (long)m * n, 0f);
            return;
        }
        if (UseCublas)
        {
            nint h = CublasHandle();
            var blas = Blas;
            int opA = transA ? CublasApi.OpT : CublasApi.OpN, opB = transB ? CublasApi.OpT : CublasApi.OpN;
            int st = batch == 1
                ? blas.cublasSgemm(h, opB, opA, n, m, k, &alpha, b.Address, ldb, a.Address, lda, &beta, c.Address, ldc)
                : blas.cublasSgemmStridedBatched(h, opB, opA, n, m, k, &alpha, b.Address, ldb, strideB, a.Address, lda, strideA,
                    &beta, c.Address, ldc, strideC, batch);
            if (st != 0)
                throw new CudaException(st, CuResult.CublasStatus(st), "cuBLAS SGEMM failed",
                    batch == 1 ? "cublasSgemm_v2" : "cublasSgemmStridedBatched",
                    launchConfig: $"m={m} n={n} k={k} batch={batch} transA={transA} transB={transB}");
            return;
        }
        uint gx = (uint)((n + 127) / 128), gy = (uint)((m + 127) / 128);
        for (int b0 = 0; b0 < batch; b0 += 65535)
        {
            int nb = Math.Min(65535, batch - b0);
            Launch(K.vc_gemm_f32, gx, gy, (uint)nb, BlockSize, 0,
                transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha,
                a.Offset(b0 * strideA * 4), lda, strideA,
                b.Offset(b0 * strideB * 4), ldb, strideB,
                beta, c.Offset(b0 * strideC * 4), ldc, strideC);
        }
    }
}
