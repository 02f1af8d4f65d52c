using System.Runtime.Intrinsics;

namespace VisionCuda.Cpu.Gemm;

/// <summary>
/// Packs blocks of op(A) and op(B) into the sliver layout the micro-kernel streams through:
/// A block (mc x kc) as ceil(mc/MR) slivers of [kc][MR], B block (kc x nc) as ceil(nc/NR) slivers of [kc][NR].
/// Rows/columns past the matrix edge are zero-filled, so the kernel always runs a full tile.
/// </summary>
internal static unsafe class Packing
{
    private const int MR = Kernels.MR, NR = Kernels.NR;

    /// <summary>op(A)[i0:i0+mc, p0:p0+kc]; A(i,p) = transA ? a[p*lda + i] : a[i*lda + p].</summary>
    public static void PackA(bool transA, float* a, long lda, int i0, int mc, int p0, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int rows = Math.Min(MR, mc - ir);
            int i = i0 + ir;
            if (transA)
            {
                float* src = a + (long)p0 * lda + i;
                if (rows == MR)
                {
                    for (int p = 0; p < kc; p++, src += lda, dst += MR)
                    {
                        dst[0] = src[0]; dst[1] = src[1]; dst[2] = src[2];
                        dst[3] = src[3]; dst[4] = src[4]; dst[5] = src[5];
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += lda, dst += MR)
                        for (int r = 0; r < MR; r++) dst[r] = r < rows ? src[r] : 0f;
                }
            }
            else if (rows == MR)
            {
                float* r0 = a + i * lda + p0, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
                for (int p = 0; p < kc; p++, dst += MR)
                {
                    dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p];
                    dst[3] = r3[p]; dst[4] = r4[p]; dst[5] = r5[p];
                }
            }
            else
            {
                for (int r = 0; r < MR; r++)
                {
                    float* d = dst + r;
                    if (r < rows)
                    {
                        float* src = a + (i + r) * lda + p0;
                        for (int p = 0; p < kc; p++) d[p * MR] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * MR] = 0f;
                    }
                }
                dst += kc * MR;
            }
        }
    }

    /// <summary>op(B)[p0:p0+kc, j0:j0+nc]; B(p,j) = transB ? b[j*ldb + p] : b[p*ldb + j].</summary>
    public static void PackB(bool transB, float* b, long ldb, int p0, int kc, int j0, int nc, float* dst)
    {
        if (!transB)
        {
            int full = nc / NR, rest = nc - full * NR;
            long sliver = (long)kc * NR;
            for (int p = 0; p < kc; p++)
            {
                float* src = b + (p0 + p) * ldb + j0;
                float* d = dst + p * NR;
                for (int s = 0; s < full; s++, src += NR, d += sliver)
                {
                    Vector256.Store(Vector256.Load(src), d);
                    Vector256.Store(Vector256.Load(src + 8), d + 8);
                }
                if (rest > 0)
                    for (int j = 0; j < NR; j++) d[j] = j < rest ? src[j] : 0f;
            }
            return;
        }

        for (int jr = 0; jr < nc; jr += NR)
        {
            int cols = Math.Min(NR, nc - jr);
            for (int j = 0; j < NR; j++)
            {
                float* d = dst + j;
                if (j < cols)
                {
                    float* src = b + (j0 + jr + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) d[p * NR] = src[p];
                }
                else
                {
                    for (int p = 0; p < kc; p++) d[p * NR] = 0f;
                }
            }
            dst += (long)kc * NR;
        }
    }
}
