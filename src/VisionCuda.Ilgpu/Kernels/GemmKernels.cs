using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Tiled row-major batched SGEMM, C = alpha*op(A)*op(B) + beta*C (beta = 0 never reads C).
/// Layout: group = T x T threads (T = Args.Tile, chosen from the accelerator's MaxNumThreadsPerGroup: 16 on GPUs,
/// 4 on ILGPU's CPU accelerator), grid = (ceil(n/T), ceil(m/T), batch). Each thread owns one C element; per k-step
/// the group stages a T x T tile of op(A) and of op(B) in dynamic shared memory (2*T*T floats), synchronises,
/// and accumulates in k order, so the result does not depend on timing. Out-of-range tile entries are zero.
/// </summary>
internal static class GemmKernels
{
    public static void Gemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
    {
        int T = p.Tile;
        var tiles = SharedMemory.GetDynamic<float>();
        int tx = Group.IdxX, ty = Group.IdxY;
        int col = Grid.IdxX * T + tx;
        int row = Grid.IdxY * T + ty;
        long bi = Grid.IdxZ;
        long aBase = p.AOffset + bi * p.StrideA;
        long bBase = p.BOffset + bi * p.StrideB;
        float acc = 0f;
        for (int k0 = 0; k0 < p.K; k0 += T)
        {
            int ka = k0 + tx;
            float av = 0f;
            if (row < p.M && ka < p.K)
                av = p.TransA != 0 ? a[aBase + (long)ka * p.M + row] : a[aBase + (long)row * p.K + ka];
            int kb = k0 + ty;
            float bv = 0f;
            if (col < p.N && kb < p.K)
                bv = p.TransB != 0 ? b[bBase + (long)col * p.K + kb] : b[bBase + (long)kb * p.N + col];
            tiles[ty * T + tx] = av;
            tiles[T * T + ty * T + tx] = bv;
            Group.Barrier();
            for (int kk = 0; kk < T; kk++) acc += tiles[ty * T + kk] * tiles[T * T + kk * T + tx];
            Group.Barrier();
        }
        if (row < p.M && col < p.N)
        {
            long ci = p.COffset + bi * p.StrideC + (long)row * p.N + col;
            c[ci] = p.Beta == 0f ? p.Alpha * acc : p.Alpha * acc + p.Beta * c[ci];
        }
    }
}

internal struct GemmArgs
{
    public int M, N, K, TransA, TransB, Tile;
    public float Alpha, Beta;
    public long AOffset, BOffset, COffset, StrideA, StrideB, StrideC;
}
