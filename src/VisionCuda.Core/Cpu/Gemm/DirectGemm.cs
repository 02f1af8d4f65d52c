using System.Runtime.InteropServices;

namespace VisionCuda.Cpu.Gemm;

/// <summary>
/// Where a GEMM operand already sits in a layout the micro-kernel can stream, packing it again is pure
/// overhead. The conv kernels hit exactly that case: the im2col buffer is written 16-column aligned, the
/// weights are small enough to stay in L2, so this driver runs the 6x16 micro-kernel on unpacked operands:
///
///   A(i, p) = a[i*ars + p*aks]                 any layout (row-major: ars = lda, aks = 1; transposed: ars = 1, aks = lda)
///   B(p, j) = b[(j/16)*bss + p*bks + j%16]     row-major (bss = 16, bks = ldb) or pre-packed slivers (bss = k*16, bks = 16)
///
/// Loop order: KC blocks, then 16-column slivers of B (one sliver stays in L1), then 6-row slivers of A.
/// Edge rows of A are clamped to the last valid row and their results dropped; an edge sliver of a row-major
/// B whose last columns may not be readable (<c>bPadded</c> false) is copied into a zero-padded buffer first.
/// Same determinism as <see cref="Sgemm"/>: the k split is fixed at multiples of KC and the work split over
/// threads only decides who computes a tile.
/// </summary>
internal static unsafe class DirectGemm
{
    private const int MR = Kernels.MR, NR = Kernels.NR, KC = Sgemm.KC;

    [ThreadStatic] private static float* t_edge;

    private static float* EdgeBuffer()
    {
        if (t_edge == null) t_edge = (float*)NativeMemory.AlignedAlloc((nuint)(KC * NR * sizeof(float)), 64);
        return t_edge;
    }

    public struct Operands
    {
        public int M, N, K;
        public float* A; public long Ars, Aks;
        public float* B; public long Bss, Bks; public bool BPadded;
        public float Alpha, Beta;
        public float* C; public long Ldc;
    }

    /// <summary>Runs C = alpha*A*B + beta*C (beta == 0: C not read) on up to <paramref name="threads"/> threads.</summary>
    public static void Run(in Operands o, int threads)
    {
        if (o.M <= 0 || o.N <= 0) return;
        int mS = (o.M + MR - 1) / MR, nS = (o.N + NR - 1) / NR;
        if (threads <= 1 || (long)o.M * o.N * o.K < (1L << 17))
        {
            Tile(o, 0, mS, 0, nS);
            return;
        }
        var ops = o;
        if (nS >= mS)
        {
            int parts = Math.Min(threads, nS);
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads },
                t => Tile(ops, 0, mS, nS * t / parts, nS * (t + 1) / parts));
        }
        else
        {
            int parts = Math.Min(threads, mS);
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads },
                t => Tile(ops, mS * t / parts, mS * (t + 1) / parts, 0, nS));
        }
    }

    /// <summary>Row slivers [s0, s1) x column slivers [t0, t1) of C.</summary>
    private static void Tile(in Operands o, int s0, int s1, int t0, int t1)
    {
        int m = o.M, n = o.N, k = o.K;
        if (k <= 0)
        {
            for (int i = s0 * MR; i < Math.Min(m, s1 * MR); i++)
            for (int j = t0 * NR; j < Math.Min(n, t1 * NR); j++)
                o.C[i * o.Ldc + j] = o.Beta == 0f ? 0f : o.Beta * o.C[i * o.Ldc + j];
            return;
        }
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            float beta = pc == 0 ? o.Beta : 1f;
            for (int t = t0; t < t1; t++)
            {
                int jr = t * NR, nr = Math.Min(NR, n - jr);
                float* bs = o.B + t * o.Bss + pc * o.Bks;
                long bks = o.Bks;
                if (nr < NR && !o.BPadded)
                {
                    float* e = EdgeBuffer();
                    for (int p = 0; p < kc; p++)
                        for (int j = 0; j < NR; j++) e[p * NR + j] = j < nr ? bs[p * bks + j] : 0f;
                    bs = e;
                    bks = NR;
                }
                for (int s = s0; s < s1; s++)
                {
                    int ir = s * MR, mr = Math.Min(MR, m - ir);
                    float* a = o.A + pc * o.Aks;
                    long last = m - 1;
                    float* a0 = a + ir * o.Ars;
                    float* a1 = a + Math.Min(ir + 1, last) * o.Ars;
                    float* a2 = a + Math.Min(ir + 2, last) * o.Ars;
                    float* a3 = a + Math.Min(ir + 3, last) * o.Ars;
                    float* a4 = a + Math.Min(ir + 4, last) * o.Ars;
                    float* a5 = a + Math.Min(ir + 5, last) * o.Ars;
                    Kernels.Tile(kc, a0, a1, a2, a3, a4, a5, o.Aks, bs, bks, o.C + ir * o.Ldc + jr, o.Ldc,
                        o.Alpha, beta, mr, nr);
                }
            }
        }
    }
}
