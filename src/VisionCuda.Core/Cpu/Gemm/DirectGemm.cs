using System.Runtime.InteropServices;

namespace VisionCuda.Cpu.Gemm;

/// <summary>
/// Where a GEMM operand already sits in a layout the micro-kernel can stream, packing it again is pure
/// overhead. The conv kernels hit exactly that case: the im2col buffer is written 16-column aligned, the
/// weights are small enough to stay in L2, so this driver runs the 6x16 micro-kernel on unpacked operands:
///
///   A(i, p) = a[i*ars + p*aks]                 any layout (row-major: ars = lda, aks = 1; transposed: ars = 1, aks = lda),
///                                              or whole-K slivers packed once by the caller (APacked)
///   B(p, j) = b[(j/NR)*bss + p*bks + j%NR]     row-major (bss = NR, bks = ldb) or pre-packed slivers (bss = k*NR, bks = NR)
///
/// Loop order: KC blocks, then NR-column slivers of B (one sliver stays in L1), then 6-row slivers of A.
/// Edge rows of A are clamped to the last valid row and their results dropped; an edge sliver of a row-major
/// B whose last columns may not be readable (<c>bPadded</c> false) is copied into a zero-padded buffer first.
/// Same determinism as <see cref="Sgemm"/>: the k split is fixed at multiples of KC and the work split over
/// threads only decides who computes a tile.
/// </summary>
internal static unsafe class DirectGemm
{
    private const int KC = Sgemm.KC;

    [ThreadStatic] private static float* t_edge;

    private static float* EdgeBuffer()
    {
        if (t_edge == null) t_edge = (float*)NativeMemory.AlignedAlloc((nuint)(KC * Micro.MaxNR * sizeof(float)), 64);
        return t_edge;
    }

    public struct Operands
    {
        public int M, N, K;
        public float* A; public long Ars, Aks;
        public bool APacked;   // A holds whole-K slivers from Packing.PackA (sliver s at A + s*K*MR); Ars/Aks unused
        public float* B; public long Bss, Bks; public bool BPadded;
        public float Alpha, Beta;
        public float* C; public long Ldc;
        public bool Wide;   // kernel choice (Micro.Wide read once by the caller), sets NR for Bss
    }

    /// <summary>Runs C = alpha*A*B + beta*C (beta == 0: C not read) on up to <paramref name="threads"/> threads.</summary>
    public static void Run(in Operands o, int threads)
    {
        if (o.M <= 0 || o.N <= 0) return;
        bool wide = o.Wide;
        int MR = wide ? Kernel8x32.MR : Kernel6x16.MR, NR = wide ? Kernel8x32.NR : Kernel6x16.NR;
        int mS = (o.M + MR - 1) / MR, nS = (o.N + NR - 1) / NR;
        if (threads <= 1 || (long)o.M * o.N * o.K < (1L << 17))
        {
            Tile(o, wide, 0, mS, 0, nS);
            return;
        }
        var ops = o;
        if (nS >= mS)
        {
            int parts = Math.Min(threads, nS);
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads },
                t => Tile(ops, wide, 0, mS, nS * t / parts, nS * (t + 1) / parts));
        }
        else
        {
            int parts = Math.Min(threads, mS);
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads },
                t => Tile(ops, wide, mS * t / parts, mS * (t + 1) / parts, 0, nS));
        }
    }

    /// <summary>Row slivers [s0, s1) x column slivers [t0, t1) of C.</summary>
    private static void Tile(in Operands o, bool wide, int s0, int s1, int t0, int t1)
    {
        int MR = wide ? Kernel8x32.MR : Kernel6x16.MR, NR = wide ? Kernel8x32.NR : Kernel6x16.NR;
        int m = o.M, n = o.N, k = o.K;
        if (k <= 0)
        {
            for (int i = s0 * MR; i < Math.Min(m, s1 * MR); i++)
            for (int j = t0 * NR; j < Math.Min(n, t1 * NR); j++)
                o.C[i * o.Ldc + j] = o.Beta == 0f ? 0f : o.Beta * o.C[i * o.Ldc + j];
            return;
        }
        int KCb = Sgemm.KcFor(wide);
        for (int pc = 0; pc < k; pc += KCb)
        {
            int kc = Math.Min(KCb, k - pc);
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
                    if (o.APacked)
                        Micro.Tile(wide, kc, o.A + (long)s * k * MR + (long)pc * MR, 1, MR, bs, bks,
                            o.C + ir * o.Ldc + jr, o.Ldc, o.Alpha, beta, mr, nr);
                    else
                        Micro.Tile(wide, kc, o.A + ir * o.Ars + pc * o.Aks, o.Ars, o.Aks, bs, bks,
                            o.C + ir * o.Ldc + jr, o.Ldc, o.Alpha, beta, mr, nr);
                }
            }
        }
    }
}
