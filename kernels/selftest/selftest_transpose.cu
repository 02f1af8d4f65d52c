// selftest_transpose.cu -- the correct twin of kernels/broken/missing_sync.cu (native/tests/test_missing_sync.cpp).
//
// out[c][r] = in[r][c] for a rows x cols row-major matrix. Classic shared-memory tiled transpose: a block of 32x8
// threads moves one 32x32 tile; each thread loads 4 elements (rows y, y+8, y+16, y+24 of the tile) into
// tile[ty][tx], the block synchronises, then each thread writes 4 elements of the transposed tile, reading
// tile[tx][ty + k], i.e. values loaded by *other* threads. The [32][33] padding avoids bank conflicts on a GPU.
// Grid: (ceil(cols/32), ceil(rows/32)). Handles sizes that are not multiples of 32.
#include "common.cuh"

#define ST_TILE 32
#define ST_ROWS 8

VC_KERNEL selftest_transpose(float* out, const float* in, int rows, int cols)
{
    VC_SHARED(float, tile, [ST_TILE][ST_TILE + 1]);
    int x = blockIdx.x * ST_TILE + threadIdx.x;
    int y = blockIdx.y * ST_TILE + threadIdx.y;
    for (int k = 0; k < ST_TILE; k += ST_ROWS)
        if (x < cols && y + k < rows) tile[threadIdx.y + k][threadIdx.x] = in[(long long)(y + k) * cols + x];
    vc_sync(); // the whole tile must be loaded before any thread reads a column of it
    x = blockIdx.y * ST_TILE + threadIdx.x; // output column = input row
    y = blockIdx.x * ST_TILE + threadIdx.y; // output row = input column
    for (int k = 0; k < ST_TILE; k += ST_ROWS)
        if (x < rows && y + k < cols) out[(long long)(y + k) * rows + x] = tile[threadIdx.x][threadIdx.y + k];
}
VC_REGISTER(selftest_transpose);
