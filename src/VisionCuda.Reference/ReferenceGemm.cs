namespace VisionCuda.Reference;

/// <summary>
/// The naive GEMM oracle: three plain loops with double accumulation, no blocking, no SIMD, no threads.
/// Same contract as IBackend.Gemm (row-major, batched, stride 0 reuses a matrix), on float arrays.
/// It is slow on purpose; the fast Cpu path is tested against it, never against itself.
/// </summary>
public static class ReferenceGemm
{
    /// <summary>
    /// C[i] = alpha * op(A[i]) * op(B[i]) + beta * C[i] for i &lt; batch. op(A) is m x k, op(B) is k x n.
    /// A is stored m x k (k x m when transposed), B k x n (n x k when transposed), C m x n, all contiguous.
    /// With beta == 0, C is not read (it may hold NaN).
    /// </summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
                            float[] a, long aOffset, long strideA,
                            float[] b, long bOffset, long strideB,
                            float beta, float[] c, long cOffset, long strideC, int batch = 1)
    {
        for (int bi = 0; bi < batch; bi++)
        {
            long ao = aOffset + bi * strideA, bo = bOffset + bi * strideB, co = cOffset + bi * strideC;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                    {
                        float av = transA ? a[ao + (long)p * m + i] : a[ao + (long)i * k + p];
                        float bv = transB ? b[bo + (long)j * k + p] : b[bo + (long)p * n + j];
                        sum += (double)av * bv;
                    }
                    long ci = co + (long)i * n + j;
                    double result = alpha * sum;
                    if (beta != 0f) result += (double)beta * c[ci];
                    c[ci] = (float)result;
                }
            }
        }
    }
}
