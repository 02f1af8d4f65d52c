using System.Runtime.Intrinsics;

namespace VisionCuda.Cpu.Gemm;

/// <summary>
/// Packs blocks of op(A) and op(B) into the sliver layout the micro-kernel streams through:
/// A block (mc x kc) as ceil(mc/MR) slivers of [kc][MR], B block (kc x nc) as ceil(nc/NR) slivers of [kc][NR].
/// Rows/columns past the matrix edge are zero-filled, so the kernel always runs a full tile.
/// MR and NR come from the kernel in use (<see cref="Micro"/>); NR is a multiple of 8.
/// </summary>
internal static unsafe class Packing
{
    /// <summary>op(A)[i0:i0+mc, p0:p0+kc]; A(i,p) = transA ? a[p*lda + i] : a[i*lda + p].</summary>
    public static void PackA(bool transA, float* a, long lda, int i0, int mc, int p0, int kc, float* dst, int mrTile)
    {
        for (int ir = 0; ir < mc; ir += mrTile)
        {
            int rows = Math.Min(mrTile, mc - ir);
            int i = i0 + ir;
            if (transA)
            {
                float* src = a + (long)p0 * lda + i;
                if (rows == 8 && mrTile == 8)
                {
                    for (int p = 0; p < kc; p++, src += lda, dst += 8) Vector256.Load(src).Store(dst);
                }
                else if (rows == mrTile)
                {
                    for (int p = 0; p < kc; p++, src += lda, dst += mrTile)
                        for (int r = 0; r < mrTile; r++) dst[r] = src[r];
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += lda, dst += mrTile)
                        for (int r = 0; r < mrTile; r++) dst[r] = r < rows ? src[r] : 0f;
                }
            }
            else
            {
                for (int r = 0; r < mrTile; r++)
                {
                    float* d = dst + r;
                    if (r < rows)
                    {
                        float* src = a + (i + r) * lda + p0;
                        for (int p = 0; p < kc; p++) d[p * mrTile] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * mrTile] = 0f;
                    }
                }
                dst += kc * mrTile;
            }
        }
    }

    /// <summary>op(B)[p0:p0+kc, j0:j0+nc]; B(p,j) = transB ? b[j*ldb + p] : b[p*ldb + j].</summary>
    public static void PackB(bool transB, float* b, long ldb, int p0, int kc, int j0, int nc, float* dst, int nrTile)
    {
        if (!transB)
        {
            int full = nc / nrTile, rest = nc - full * nrTile;
            long sliver = (long)kc * nrTile;
            for (int p = 0; p < kc; p++)
            {
                float* src = b + (p0 + p) * ldb + j0;
                float* d = dst + p * nrTile;
                for (int s = 0; s < full; s++, src += nrTile, d += sliver)
                    for (int j = 0; j < nrTile; j += 8) Vector256.Load(src + j).Store(d + j);
                if (rest > 0)
                    for (int j = 0; j < nrTile; j++) d[j] = j < rest ? src[j] : 0f;
            }
            return;
        }

        for (int jr = 0; jr < nc; jr += nrTile)
        {
            int cols = Math.Min(nrTile, nc - jr);
            for (int j = 0; j < nrTile; j++)
            {
                float* d = dst + j;
                if (j < cols)
                {
                    float* src = b + (j0 + jr + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) d[p * nrTile] = src[p];
                }
                else
                {
                    for (int p = 0; p < kc; p++) d[p * nrTile] = 0f;
                }
            }
            dst += (long)kc * nrTile;
        }
    }
}
