// gemm.cu -- row-major batched SGEMM: C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b].
//
// Computes: op(A) is m x k, op(B) is k x n, all row-major with leading dims lda/ldb/ldc and per-batch element
//           strides (0 reuses one matrix for every batch item). transA/transB != 0 mean A is stored k x m /
//           B is stored n x k. beta == 0 never reads C (it may hold garbage). Offsets are applied by the host.
// Tiling:   one 256-thread block computes a 128 x 128 tile of C; the k loop walks 8-wide slices staged in shared
//           memory, k-major (As[k][m], Bs[k][n]) and double-buffered: while slice i is multiplied out of one buffer,
//           slice i+1 is loaded from global memory into registers and then stored into the other buffer, so there is
//           one barrier per slice. Each thread owns an 8 x 8 register tile: rows ty*4+{0..3} and 64+ty*4+{0..3},
//           columns tx*4+{0..3} and 64+tx*4+{0..3} (tx = tid % 16, ty = tid / 16), so each k step reads its operands
//           as four 16-byte shared loads (a warp's B reads are 16 consecutive float4: conflict free; A reads broadcast)
//           and C is written in 64-byte runs per quarter warp.
//           Rows of the shared tiles are padded by 4 floats (stays 16-byte aligned) so the transposing stores of a
//           k-contiguous source (A plain, B transposed) do not conflict.
// Grid:     x = ceil(n/128) column tiles, y = ceil(m/128) row tiles, z = batch items (host splits > 65535).
// Assumes:  blockDim.x == 256; any m, n, k >= 1 (edges are zero-filled on load and masked on store).
// Order:    each C element is a fixed-order FMA chain over k: deterministic (and a long k with a small C grid is
//           split by the host into slices summed in order by vc_gemm_splitk_reduce_f32).
#include "common.cuh"

#define GM_BM 128
#define GM_BN 128
#define GM_BK 8
#define GM_LD (GM_BM + 4)
#if defined(__CUDA_ARCH__)
#define GM_UNROLL _Pragma("unroll")
#else
#define GM_UNROLL
#endif

struct __attribute__((aligned(16))) gm_f4
{
    float x, y, z, w;
};

VC_KERNEL vc_gemm_f32(int transA, int transB, int m, int n, int k, float alpha,
                      const float* A, int lda, long long strideA,
                      const float* B, int ldb, long long strideB,
                      float beta, float* C, int ldc, long long strideC)
{
    // [buffer][k][GM_LD floats] viewed as float4 for the compute reads
    VC_SHARED(gm_f4, As4, [2][GM_BK][GM_LD / 4]);
    VC_SHARED(gm_f4, Bs4, [2][GM_BK][GM_LD / 4]);
    float* As = (float*)As4;
    float* Bs = (float*)Bs4;

    const int tid = threadIdx.x;
    const int tx = tid & 15;
    const int ty = tid >> 4;
    const int m0 = blockIdx.y * GM_BM;
    const int n0 = blockIdx.x * GM_BN;
    A += (long long)blockIdx.z * strideA;
    B += (long long)blockIdx.z * strideB;
    C += (long long)blockIdx.z * strideC;

    // Each thread stages 4 elements of each tile. For a k-contiguous source (A plain, B transposed) element l of the
    // tile is (row l/8, kk l%8); for a row-contiguous source (A transposed, B plain) it is (kk l/128, row l%128).
    float ra[4], rb[4];
    int aRow[4], aK[4], bCol[4], bK[4];
    GM_UNROLL
    for (int q = 0; q < 4; q++)
    {
        int l = tid + 256 * q;
        if (transA) { aK[q] = l >> 7; aRow[q] = l & 127; }
        else { aRow[q] = l >> 3; aK[q] = l & 7; }
        if (transB) { bCol[q] = l >> 3; bK[q] = l & 7; }
        else { bK[q] = l >> 7; bCol[q] = l & 127; }
    }

    float acc[8][8];
    GM_UNROLL
    for (int i = 0; i < 8; i++)
        GM_UNROLL
        for (int j = 0; j < 8; j++) acc[i][j] = 0.0f;

    GM_UNROLL
    for (int q = 0; q < 4; q++)
    {
        int gr = m0 + aRow[q], gk = aK[q];
        ra[q] = (gr < m && gk < k) ? (transA ? A[(long long)gk * lda + gr] : A[(long long)gr * lda + gk]) : 0.0f;
        int gc = n0 + bCol[q], hk = bK[q];
        rb[q] = (gc < n && hk < k) ? (transB ? B[(long long)gc * ldb + hk] : B[(long long)hk * ldb + gc]) : 0.0f;
    }
    GM_UNROLL
    for (int q = 0; q < 4; q++)
    {
        As[aK[q] * GM_LD + aRow[q]] = ra[q];
        Bs[bK[q] * GM_LD + bCol[q]] = rb[q];
    }
    vc_sync();

    int cur = 0;
    for (int k0 = 0; k0 < k; k0 += GM_BK)
    {
        int k1 = k0 + GM_BK;
        bool more = k1 < k;
        if (more)
        {
            GM_UNROLL
            for (int q = 0; q < 4; q++)
            {
                int gr = m0 + aRow[q], gk = k1 + aK[q];
                ra[q] = (gr < m && gk < k) ? (transA ? A[(long long)gk * lda + gr] : A[(long long)gr * lda + gk]) : 0.0f;
                int gc = n0 + bCol[q], hk = k1 + bK[q];
                rb[q] = (gc < n && hk < k) ? (transB ? B[(long long)gc * ldb + hk] : B[(long long)hk * ldb + gc]) : 0.0f;
            }
        }

        GM_UNROLL
        for (int kk = 0; kk < GM_BK; kk++)
        {
            gm_f4 a0 = As4[cur][kk][ty], a1 = As4[cur][kk][16 + ty];
            gm_f4 b0 = Bs4[cur][kk][tx], b1 = Bs4[cur][kk][16 + tx];
            float a[8] = { a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w };
            float b[8] = { b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w };
            GM_UNROLL
            for (int i = 0; i < 8; i++)
                GM_UNROLL
                for (int j = 0; j < 8; j++) acc[i][j] = vc_fmaf(a[i], b[j], acc[i][j]);
        }

        if (more)
        {
            // The other buffer was last read in the previous slice, which every thread finished before the barrier
            // that ended it, so it can be overwritten now.
            float* An = As + (1 - cur) * GM_BK * GM_LD;
            float* Bn = Bs + (1 - cur) * GM_BK * GM_LD;
            GM_UNROLL
            for (int q = 0; q < 4; q++)
            {
                An[aK[q] * GM_LD + aRow[q]] = ra[q];
                Bn[bK[q] * GM_LD + bCol[q]] = rb[q];
            }
            vc_sync();
            cur = 1 - cur;
        }
    }

    GM_UNROLL
    for (int i = 0; i < 8; i++)
    {
        int r = m0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + (i - 4));
        GM_UNROLL
        for (int j = 0; j < 8; j++)
        {
            int c = n0 + (j < 4 ? tx * 4 + j : 64 + tx * 4 + (j - 4));
            if (r < m && c < n)
            {
                float* p = C + (long long)r * ldc + c;
                float v = alpha * acc[i][j];
                if (beta != 0.0f) v += beta * *p;
                *p = v;
            }
        }
    }
}
VC_REGISTER(vc_gemm_f32);

// Split-K epilogue: the host splits a GEMM whose C tile grid is too small to fill the device (conv backward-weight:
// C is K x CRS, k is N*OH*OW) into `splits` k-slices written to a workspace [splits][m*n] by vc_gemm_f32 (alpha 1,
// beta 0). This kernel sums the slices in slice order (fixed: deterministic, no atomics) and applies alpha/beta.
// C is packed (ldc == n). One thread per element of C, grid-stride.
VC_KERNEL vc_gemm_splitk_reduce_f32(const float* ws, float* C, long long mn, int splits, float alpha, float beta)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < mn; i += (long long)gridDim.x * blockDim.x)
    {
        float acc = 0.0f;
        for (int s = 0; s < splits; s++) acc += ws[(long long)s * mn + i];
        float v = alpha * acc;
        if (beta != 0.0f) v += beta * C[i];
        C[i] = v;
    }
}
VC_REGISTER(vc_gemm_splitk_reduce_f32);
