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
        // Our kernel. A C grid too small to fill the device with a long k (conv backward-weight) is split along k
        // into slices summed afterwards in a fixed order (deterministic split-K).
        long tiles = (long)((n + 127) / 128) * ((m + 127) / 128) * batch;
        int target = MultiprocessorCount * 2;
        if (batch == 1 && tiles < target && k >= 2048)
        {
            int splits = (int)Math.Min(Math.Min((target + tiles - 1) / tiles, k / 512), 64);
            if (splits >= 2)
            {
                int kc = ((k + splits - 1) / splits + 7) / 8 * 8;
                int full = k / kc, rest = k - full * kc;
                splits = full + (rest > 0 ? 1 : 0);
                long mn = (long)m * n;
                using var ws = new Temp(this, splits * mn);
                long sa = transA ? (long)kc * lda : kc, sb = transB ? kc : (long)kc * ldb;
                OwnGemm(transA, transB, m, n, kc, 1f, a, lda, sa, b, ldb, sb, 0f, ws.Ptr, ldc, mn, full);
                if (rest > 0)
                    OwnGemm(transA, transB, m, n, rest, 1f, a.Offset(full * sa * 4), lda, 0, b.Offset(full * sb * 4), ldb, 0,
                        0f, ws.Ptr.Offset(full * mn * 4), ldc, 0, 1);
                Launch1D(K.vc_gemm_splitk_reduce_f32, mn, ws.Ptr, c, mn, splits, alpha, beta);
                return;
            }
        }
        OwnGemm(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);
    }

    private void OwnGemm(bool transA, bool transB, int m, int n, int k, float alpha,
                         DevPtr a, int lda, long strideA, DevPtr b, int ldb, long strideB,
                         float beta, DevPtr c, int ldc, long strideC, int batch)
    {
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
