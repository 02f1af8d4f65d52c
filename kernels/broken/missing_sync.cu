// broken/missing_sync.cu -- DELIBERATELY WRONG. selftest_transpose (kernels/selftest/selftest_transpose.cu) with its
// vc_sync() removed: threads read tile entries that other threads of the block may not have written yet.
// On a GPU this often "works" by the luck of warp scheduling; the emulator must make it fail
// (native/tests/test_missing_sync.cpp asserts that). Never compiled into the product: kernels/broken/ is excluded
// from both the PTX build and the emulator library.
#include "common.cuh"

#define ST_TILE 32
#define ST_ROWS 8

VC_KERNEL selftest_transpose_nosync(float* out, const float* in, int rows, int cols)
{
    VC_SHARED(float, tile, [ST_TILE][ST_TILE + 1]);
    int x = blockIdx.x * ST_TILE + threadIdx.x;
    int y = blockIdx.y * ST_TILE + threadIdx.y;
    for (int k = 0; k < ST_TILE; k += ST_ROWS)
        if (x < cols && y + k < rows) tile[threadIdx.y + k][threadIdx.x] = in[(long long)(y + k) * cols + x];
    // BUG (planted): vc_sync() missing here.
    x = blockIdx.y * ST_TILE + threadIdx.x;
    y = blockIdx.x * ST_TILE + threadIdx.y;
    for (int k = 0; k < ST_TILE; k += ST_ROWS)
        if (x < rows && y + k < cols) out[(long long)(y + k) * rows + x] = tile[threadIdx.x][threadIdx.y + k];
}
VC_REGISTER(selftest_transpose_nosync);
