// gemm.cu -- row-major batched SGEMM: C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b].
//
// Computes: op(A) is m x k, op(B) is k x n, all row-major with leading dims lda/ldb/ldc and per-batch element
//           strides (0 reuses one matrix for every batch item). transA/transB != 0 mean A is stored k x m /
//           B is stored n x k. beta == 0 never reads C (it may hold garbage). Offsets are applied by the host.
// Tiling:   one 256-thread block computes a 128 x 128 tile of C; the k loop walks 8-wide slices staged in shared
//           memory (As[8][128+4], Bs[8][128+4], k-major so the inner product reads rows). Each thread owns an 8 x 8
//           register tile at rows ty + 16*i and columns tx + 16*j (tx = tid % 16, ty = tid / 16): the B reads of a
//           warp hit 16 consecutive banks, the A reads broadcast, and C stores are 64-byte coalesced runs.
//           The next k slice is prefetched into registers while the current one is multiplied.
//           The +4 padding makes the transposing stores (A not transposed, B transposed) conflict free.
// Grid:     x = ceil(n/128) column tiles, y = ceil(m/128) row tiles, z = batch items (host splits > 65535).
// Assumes:  blockDim.x == 256; any m, n, k >= 1 (edges are zero-filled on load and masked on store).
// Order:    each C element is a fixed-order sum over k (slices in order, FMA chain per thread): deterministic.
#include "common.cuh"

#define GM_BM 128
#define GM_BN 128
#define GM_BK 8
#define GM_PAD 4
#if defined(__CUDA_ARCH__)
#define GM_UNROLL _Pragma("unroll")
#else
#define GM_UNROLL
#endif

VC_KERNEL vc_gemm_f32(int transA, int transB, int m, int n, int k, float alpha,
                      const float* A, int lda, long long strideA,
                      const float* B, int ldb, long long strideB,
                      float beta, float* C, int ldc, long long strideC)
{
    VC_SHARED(float, As, [GM_BK][GM_BM + GM_PAD]);
    VC_SHARED(float, Bs, [GM_BK][GM_BN + GM_PAD]);

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

    // load slice k0 into registers
    GM_UNROLL
    for (int q = 0; q < 4; q++)
    {
        int gr = m0 + aRow[q], gk = aK[q];
        ra[q] = (gr < m && gk < k) ? (transA ? A[(long long)gk * lda + gr] : A[(long long)gr * lda + gk]) : 0.0f;
        int gc = n0 + bCol[q], hk = bK[q];
        rb[q] = (gc < n && hk < k) ? (transB ? B[(long long)gc * ldb + hk] : B[(long long)hk * ldb + gc]) : 0.0f;
    }

    for (int k0 = 0; k0 < k; k0 += GM_BK)
    {
        GM_UNROLL
    for (int q = 0; q < 4; q++)
        {
            As[aK[q]][aRow[q]] = ra[q];
            Bs[bK[q]][bCol[q]] = rb[q];
        }
        vc_sync();

        int k1 = k0 + GM_BK;
        if (k1 < k)
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
            float a[8], b[8];
            GM_UNROLL
            for (int i = 0; i < 8; i++) a[i] = As[kk][ty + 16 * i];
            GM_UNROLL
            for (int j = 0; j < 8; j++) b[j] = Bs[kk][tx + 16 * j];
            GM_UNROLL
            for (int i = 0; i < 8; i++)
                GM_UNROLL
                for (int j = 0; j < 8; j++) acc[i][j] = vc_fmaf(a[i], b[j], acc[i][j]);
        }
        vc_sync(); // everyone is done reading this slice before it is overwritten
    }

    GM_UNROLL
    for (int i = 0; i < 8; i++)
    {
        int r = m0 + ty + 16 * i;
        GM_UNROLL
        for (int j = 0; j < 8; j++)
        {
            int c = n0 + tx + 16 * j;
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
