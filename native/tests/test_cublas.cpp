// test_cublas.cpp -- cublasSgemm / SgemmStridedBatched / GemmEx against a naive row-major reference, through the
// row-major-as-column-major call the binding uses (cuda-binding.md: C = A.B is Sgemm(N, N, n, m, k, B, n, A, k, C, n)),
// plus transposed operands, beta != 0, and beta == 0 ignoring NaN in C.
#include <cmath>

#include "harness.hpp"

namespace
{
std::vector<float> make(int count, int seed)
{
    std::vector<float> v(count);
    for (int i = 0; i < count; i++) v[i] = static_cast<float>(((i * 7 + seed * 13) % 17) - 8) / 4.0f;
    return v;
}

// Row-major C[m x n] = A[m x k] . B[k x n]
std::vector<float> reference(const std::vector<float>& a, const std::vector<float>& b, int m, int n, int k)
{
    std::vector<float> c(static_cast<std::size_t>(m) * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++) s += static_cast<double>(a[i * k + p]) * b[p * n + j];
            c[i * n + j] = static_cast<float>(s);
        }
    return c;
}

bool close(float a, float b) { return std::fabs(a - b) <= 1e-5f + 1e-5f * std::fabs(b); }
} // namespace

int main()
{
    Emu emu({});
    cublasHandle_t h = nullptr;
    CHECK_EQ(cublasCreate_v2(&h), CUBLAS_STATUS_SUCCESS);
    CHECK_EQ(cublasSetMathMode(h, 3), CUBLAS_STATUS_SUCCESS);
    CHECK_EQ(cublasSetStream_v2(h, nullptr), CUBLAS_STATUS_SUCCESS);

    const int m = 13, n = 7, k = 29, batch = 3;
    auto a = make(m * k * batch, 1), b = make(k * n * batch, 2);
    DeviceBuffer<float> da(a), db(b), dc(m * n * batch);
    const float one = 1, zero = 0, half = 0.5f;

    // Row-major A.B; C starts as NaN (fresh memory) and beta = 0 must ignore it.
    CHECK_EQ(cublasSgemm_v2(h, 0, 0, n, m, k, &one, db.ptr(), n, da.ptr(), k, &zero, dc.ptr(), n), CUBLAS_STATUS_SUCCESS);
    std::vector<float> a0(a.begin(), a.begin() + m * k), b0(b.begin(), b.begin() + k * n);
    auto expected = reference(a0, b0, m, n, k);
    auto c = dc.download();
    for (int i = 0; i < m * n; i++) CHECK(close(c[i], expected[i]));

    // beta = 0.5 accumulates: C = A.B + 0.5 * C
    CHECK_EQ(cublasSgemm_v2(h, 0, 0, n, m, k, &one, db.ptr(), n, da.ptr(), k, &half, dc.ptr(), n), CUBLAS_STATUS_SUCCESS);
    c = dc.download();
    for (int i = 0; i < m * n; i++) CHECK(close(c[i], 1.5f * expected[i]));

    // Transposed operands: row-major A^T stored as [k x m]; C = (A^T)^T . B via opB = T on the column-major side.
    std::vector<float> at(static_cast<std::size_t>(k) * m);
    for (int i = 0; i < m; i++)
        for (int p = 0; p < k; p++) at[p * m + i] = a0[i * k + p];
    DeviceBuffer<float> dat(at);
    CHECK_EQ(cublasSgemm_v2(h, 0, 1, n, m, k, &one, db.ptr(), n, dat.ptr(), m, &zero, dc.ptr(), n), CUBLAS_STATUS_SUCCESS);
    c = dc.download();
    for (int i = 0; i < m * n; i++) CHECK(close(c[i], expected[i]));

    // Strided batched.
    CHECK_EQ(cublasSgemmStridedBatched(h, 0, 0, n, m, k, &one, db.ptr(), n, k * n, da.ptr(), k, m * k, &zero, dc.ptr(),
                                       n, m * n, batch),
             CUBLAS_STATUS_SUCCESS);
    c = dc.download();
    for (int bi = 0; bi < batch; bi++)
    {
        std::vector<float> ab(a.begin() + bi * m * k, a.begin() + (bi + 1) * m * k);
        std::vector<float> bb(b.begin() + bi * k * n, b.begin() + (bi + 1) * k * n);
        auto e = reference(ab, bb, m, n, k);
        for (int i = 0; i < m * n; i++) CHECK(close(c[bi * m * n + i], e[i]));
    }

    // GemmEx with R_32F and TF32 compute; unsupported types are refused.
    CHECK_EQ(cublasGemmEx(h, 0, 0, n, m, k, &one, db.ptr(), 0, n, da.ptr(), 0, k, &zero, dc.ptr(), 0, n, 77, -1),
             CUBLAS_STATUS_SUCCESS);
    c = dc.download();
    for (int i = 0; i < m * n; i++) CHECK(close(c[i], expected[i]));
    CHECK_EQ(cublasGemmEx(h, 0, 0, n, m, k, &one, db.ptr(), 2, n, da.ptr(), 2, k, &zero, dc.ptr(), 2, n, 68, -1),
             CUBLAS_STATUS_NOT_SUPPORTED);

    // Bad leading dimension, and a C that runs past its allocation.
    CHECK_EQ(cublasSgemm_v2(h, 0, 0, n, m, k, &one, db.ptr(), n - 1, da.ptr(), k, &zero, dc.ptr(), n),
             CUBLAS_STATUS_INVALID_VALUE);
    CHECK_EQ(cublasSgemm_v2(h, 0, 0, n, m * batch + 1, k, &one, db.ptr(), n, da.ptr(), k, &zero, dc.ptr(), n),
             CUBLAS_STATUS_EXECUTION_FAILED);

    CHECK_EQ(cublasDestroy_v2(h), CUBLAS_STATUS_SUCCESS);
    CHECK_EQ(cublasDestroy_v2(h), CUBLAS_STATUS_NOT_INITIALIZED);
    return vc_test_finish("test_cublas");
}
