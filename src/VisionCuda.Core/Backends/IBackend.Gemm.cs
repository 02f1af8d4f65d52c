namespace VisionCuda.Backends;

/// <summary>Batched row-major GEMM. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>
    /// Row-major batched GEMM: C[i] = alpha * op(A[i]) * op(B[i]) + beta * C[i] for i &lt; batch, where
    /// op(A) is m x k and op(B) is k x n. A stride of 0 reuses the same matrix for every batch item.
    /// </summary>
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
              Storage a, long aOffset, long strideA,
              Storage b, long bOffset, long strideB,
              float beta, Storage c, long cOffset, long strideC, int batch = 1);
}
