// cublas.cpp -- the cuBLAS subset as plain loops (column-major, host pointer mode for alpha/beta).
//
// C = alpha * op(A) * op(B) + beta * C with op(X) = X (OP_N) or X^T (OP_T). Like cuBLAS, C is not read when
// beta == 0 (freshly allocated C holds NaN in the emulator; cuBLAS semantics say it must not propagate) and A, B are
// not read when alpha == 0 or k == 0. op(A) and op(B) are packed into contiguous column-major buffers first so the
// inner loop runs down a column with unit stride; sums are accumulated in double (more accurate than a GPU's fp32
// accumulation, well inside the GEMM tolerance). TF32 math mode and compute type are accepted and computed in fp32.
#include <algorithm>
#include <cstdint>
#include <mutex>
#include <set>
#include <vector>

#include "errors.hpp"
#include "memory.hpp"

struct cublasContext
{
    CUstream stream = nullptr;
    int mathMode = 0;
};

namespace vc_emu
{
namespace
{
constexpr int kOpN = 0, kOpT = 1;
constexpr int kR32F = 0;
constexpr int kCompute32F = 68, kCompute32FFastTf32 = 77, kComputeLegacy32F = 0; // 0: CUDA_R_32F as computeType (pre-11 API)

struct Handles
{
    std::mutex mutex;
    std::set<cublasHandle_t> live;
};

Handles& handles()
{
    static Handles instance;
    return instance;
}

bool valid_handle(cublasHandle_t h)
{
    Handles& hs = handles();
    std::lock_guard<std::mutex> lock(hs.mutex);
    return hs.live.count(h) != 0;
}

// Checks that a column-major matrix of `rows` x `cols` with leading dimension ld lies in one device allocation.
bool in_device_memory(const float* p, long long rows, long long cols, long long ld)
{
    if (rows == 0 || cols == 0) return true;
    std::size_t bytes = static_cast<std::size_t>((cols - 1) * ld + rows) * sizeof(float);
    AllocationView view;
    return find_allocation(reinterpret_cast<std::uintptr_t>(p), bytes, view);
}

// Packs op(X) (rows x cols, column-major result) from X with leading dimension ld.
void pack(const float* x, int op, int rows, int cols, int ld, std::vector<float>& out)
{
    out.resize(static_cast<std::size_t>(rows) * cols);
    for (int j = 0; j < cols; j++)
        for (int i = 0; i < rows; i++)
            out[static_cast<std::size_t>(j) * rows + i] =
                op == kOpN ? x[static_cast<std::size_t>(j) * ld + i] : x[static_cast<std::size_t>(i) * ld + j];
}

cublasStatus_t gemm_checked(const char* api, cublasHandle_t handle, int opA, int opB, int m, int n, int k, float alpha,
                            const float* A, int lda, long long strideA, const float* B, int ldb, long long strideB,
                            float beta, float* C, int ldc, long long strideC, int batchCount)
{
    if (!valid_handle(handle)) return fail_blas(CUBLAS_STATUS_NOT_INITIALIZED, "%s: invalid cuBLAS handle", api);
    if ((opA != kOpN && opA != kOpT) || (opB != kOpN && opB != kOpT))
        return fail_blas(CUBLAS_STATUS_INVALID_VALUE, "%s: only CUBLAS_OP_N and CUBLAS_OP_T are supported", api);
    const int rowsA = opA == kOpN ? m : k, colsA = opA == kOpN ? k : m;
    const int rowsB = opB == kOpN ? k : n, colsB = opB == kOpN ? n : k;
    if (m < 0 || n < 0 || k < 0 || batchCount < 0 || lda < (rowsA > 1 ? rowsA : 1) || ldb < (rowsB > 1 ? rowsB : 1) ||
        ldc < (m > 1 ? m : 1))
        return fail_blas(CUBLAS_STATUS_INVALID_VALUE,
                         "%s: invalid sizes m=%d n=%d k=%d lda=%d ldb=%d ldc=%d batch=%d (opA=%d opB=%d)", api, m, n, k,
                         lda, ldb, ldc, batchCount, opA, opB);
    if (m == 0 || n == 0 || batchCount == 0) return CUBLAS_STATUS_SUCCESS;
    const bool readAB = alpha != 0.0f && k > 0;
    std::vector<float> a, b;
    std::vector<double> acc(static_cast<std::size_t>(m));
    for (int batch = 0; batch < batchCount; batch++)
    {
        const float* Ab = A + batch * strideA;
        const float* Bb = B + batch * strideB;
        float* Cb = C + batch * strideC;
        if ((readAB && (!in_device_memory(Ab, rowsA, colsA, lda) || !in_device_memory(Bb, rowsB, colsB, ldb))) ||
            !in_device_memory(Cb, m, n, ldc))
            return fail_blas(CUBLAS_STATUS_EXECUTION_FAILED,
                             "%s: batch %d: A, B or C is not inside a device allocation (m=%d n=%d k=%d lda=%d ldb=%d "
                             "ldc=%d)",
                             api, batch, m, n, k, lda, ldb, ldc);
        if (readAB)
        {
            pack(Ab, opA, m, k, lda, a);
            pack(Bb, opB, k, n, ldb, b);
        }
        for (int j = 0; j < n; j++)
        {
            std::fill(acc.begin(), acc.end(), 0.0);
            if (readAB)
                for (int p = 0; p < k; p++)
                {
                    const double bpj = b[static_cast<std::size_t>(j) * k + p];
                    const float* col = &a[static_cast<std::size_t>(p) * m];
                    for (int i = 0; i < m; i++) acc[i] += col[i] * bpj;
                }
            float* c = Cb + static_cast<std::size_t>(j) * ldc;
            for (int i = 0; i < m; i++)
                c[i] = beta == 0.0f ? static_cast<float>(alpha * acc[i])
                                    : static_cast<float>(alpha * acc[i] + static_cast<double>(beta) * c[i]);
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}
} // namespace
} // namespace vc_emu

using namespace vc_emu;

extern "C" {
cublasStatus_t cublasCreate_v2(cublasHandle_t* handle)
{
    if (handle == nullptr) return fail_blas(CUBLAS_STATUS_INVALID_VALUE, "cublasCreate: null pointer");
    if (!initialized()) return fail_blas(CUBLAS_STATUS_NOT_INITIALIZED, "cublasCreate: cuInit has not been called");
    Handles& h = handles();
    std::lock_guard<std::mutex> lock(h.mutex);
    *handle = new cublasContext();
    h.live.insert(*handle);
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
{
    Handles& h = handles();
    std::lock_guard<std::mutex> lock(h.mutex);
    if (h.live.erase(handle) == 0) return fail_blas(CUBLAS_STATUS_NOT_INITIALIZED, "cublasDestroy: invalid handle");
    delete handle;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, CUstream stream)
{
    if (!valid_handle(handle)) return fail_blas(CUBLAS_STATUS_NOT_INITIALIZED, "cublasSetStream: invalid handle");
    handle->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetMathMode(cublasHandle_t handle, int mode)
{
    if (!valid_handle(handle)) return fail_blas(CUBLAS_STATUS_NOT_INITIALIZED, "cublasSetMathMode: invalid handle");
    handle->mathMode = mode;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, int opA, int opB, int m, int n, int k, const float* alpha,
                              const float* A, int lda, const float* B, int ldb, const float* beta, float* C, int ldc)
{
    if (alpha == nullptr || beta == nullptr) return fail_blas(CUBLAS_STATUS_INVALID_VALUE, "cublasSgemm: null alpha/beta");
    return gemm_checked("cublasSgemm", handle, opA, opB, m, n, k, *alpha, A, lda, 0, B, ldb, 0, *beta, C, ldc, 0, 1);
}

cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, int opA, int opB, int m, int n, int k,
                                         const float* alpha, const float* A, int lda, long long strideA, const float* B,
                                         int ldb, long long strideB, const float* beta, float* C, int ldc,
                                         long long strideC, int batchCount)
{
    if (alpha == nullptr || beta == nullptr)
        return fail_blas(CUBLAS_STATUS_INVALID_VALUE, "cublasSgemmStridedBatched: null alpha/beta");
    return gemm_checked("cublasSgemmStridedBatched", handle, opA, opB, m, n, k, *alpha, A, lda, strideA, B, ldb,
                        strideB, *beta, C, ldc, strideC, batchCount);
}

cublasStatus_t cublasGemmEx(cublasHandle_t handle, int opA, int opB, int m, int n, int k, const void* alpha,
                            const void* A, int Atype, int lda, const void* B, int Btype, int ldb, const void* beta,
                            void* C, int Ctype, int ldc, int computeType, int algo)
{
    (void)algo;
    if (Atype != kR32F || Btype != kR32F || Ctype != kR32F ||
        (computeType != kCompute32F && computeType != kCompute32FFastTf32 && computeType != kComputeLegacy32F))
        return fail_blas(CUBLAS_STATUS_NOT_SUPPORTED,
                         "cublasGemmEx: the emulator supports R_32F data with 32F / 32F_FAST_TF32 compute only "
                         "(got A=%d B=%d C=%d compute=%d)",
                         Atype, Btype, Ctype, computeType);
    if (alpha == nullptr || beta == nullptr) return fail_blas(CUBLAS_STATUS_INVALID_VALUE, "cublasGemmEx: null alpha/beta");
    return gemm_checked("cublasGemmEx", handle, opA, opB, m, n, k, *static_cast<const float*>(alpha),
                        static_cast<const float*>(A), lda, 0, static_cast<const float*>(B), ldb, 0,
                        *static_cast<const float*>(beta), static_cast<float*>(C), ldc, 0, 1);
}
}
