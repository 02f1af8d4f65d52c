using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
            else if (rows == 8 && mrTile == 8 && Avx.IsSupported)
            {
                float* src = a + i * lda + p0;
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose8x8(src + p, lda, dst + p * 8, 8);
                for (; p < kc; p++)
                    for (int r = 0; r < 8; r++) dst[p * 8 + r] = src[r * lda + p];
                dst += kc * 8;
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
            int fastCols = Avx.IsSupported ? cols / 8 * 8 : 0;
            for (int jg = 0; jg < fastCols; jg += 8)
            {
                float* src = b + (j0 + jr + jg) * ldb + p0;
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose8x8(src + p, ldb, dst + p * nrTile + jg, nrTile);
                for (; p < kc; p++)
                    for (int j = 0; j < 8; j++) dst[p * nrTile + jg + j] = src[j * ldb + p];
            }
            for (int j = fastCols; j < nrTile; j++)
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

    /// <summary>
    /// dst[j*dstStride + i] = src[i*srcStride + j] for an 8x8 block: the classic AVX unpack / shuffle /
    /// 128-bit permute transpose, so packing a row-major A (or a transposed B) moves 8 floats per instruction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, long srcStride, float* dst, long dstStride)
    {
        var v0 = Avx.LoadVector256(src);
        var v1 = Avx.LoadVector256(src + srcStride);
        var v2 = Avx.LoadVector256(src + 2 * srcStride);
        var v3 = Avx.LoadVector256(src + 3 * srcStride);
        var v4 = Avx.LoadVector256(src + 4 * srcStride);
        var v5 = Avx.LoadVector256(src + 5 * srcStride);
        var v6 = Avx.LoadVector256(src + 6 * srcStride);
        var v7 = Avx.LoadVector256(src + 7 * srcStride);
        var t0 = Avx.UnpackLow(v0, v1); var t1 = Avx.UnpackHigh(v0, v1);
        var t2 = Avx.UnpackLow(v2, v3); var t3 = Avx.UnpackHigh(v2, v3);
        var t4 = Avx.UnpackLow(v4, v5); var t5 = Avx.UnpackHigh(v4, v5);
        var t6 = Avx.UnpackLow(v6, v7); var t7 = Avx.UnpackHigh(v6, v7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
