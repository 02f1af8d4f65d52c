using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VisionCuda.Cpu.Gemm;

/// <summary>
/// Blocked single-precision GEMM in the BLIS/GotoBLAS layout:
///
///   for jc over N in steps of NC          (B panel, per thread)
///     for pc over K in steps of KC        pack B[pc:pc+KC, jc:jc+NC] into NR-wide slivers
///       for ic over M in steps of MC      pack A[ic:ic+MC, pc:pc+KC] into MR-tall slivers (L2)
///         for jr over NC in steps of NR   one B sliver (KC x NR) stays in L1
///           for ir over MC in steps of MR micro-kernel: MR x NR tile of C in registers
///
/// Matrices are row-major with explicit leading dimensions; op(A) is m x k, op(B) is k x n.
///
/// Determinism: every element of C is computed by exactly one work item, with the k loop split at fixed
/// multiples of KC and walked in order inside the micro-kernel. The split of C into work items only decides
/// WHO computes a tile, never HOW, so the result is bitwise the same for any thread count or timing.
///
/// With beta == 0, C is never read (it may hold NaN garbage). The first KC block writes
/// C = alpha*acc (+ beta*C), later ones C += alpha*acc.
/// </summary>
internal static unsafe class Sgemm
{
    /// <summary>Largest KC of any kernel (buffer sizes).</summary>
    public const int KC = 256;

    /// <summary>KC per kernel: the B sliver (KC x NR floats) must sit in a 32 KB L1 next to the A sliver.</summary>
    /// <remarks>Measured on Zen 4: 128, 192 and 256 run the conv shapes alike, 256 is best for square SGEMM.</remarks>
    public static int KcFor(bool wide) => KC;
    public const int MC = 144;   // multiple of both MRs (6 and 8)
    public const int NC = 2048;  // multiple of both NRs (16 and 32)

    /// <summary>Below this many multiply-adds a call runs on the caller's thread.</summary>
    private const long SerialThreshold = 1L << 17;

    [ThreadStatic] private static float* t_packA;
    [ThreadStatic] private static float* t_packB;

    private static float* PackA()
    {
        if (t_packA == null) t_packA = (float*)NativeMemory.AlignedAlloc((nuint)(MC * KC * sizeof(float)), 64);
        return t_packA;
    }

    private static float* PackB()
    {
        if (t_packB == null) t_packB = (float*)NativeMemory.AlignedAlloc((nuint)((long)KC * NC * sizeof(float)), 64);
        return t_packB;
    }

    /// <summary>A single row-major GEMM (<paramref name="wide"/>: the 8x32 AVX-512 kernel, see <see cref="Micro"/>) with leading dimensions, run on up to <paramref name="threads"/> threads.</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha,
                           float* a, long lda, float* b, long ldb, float beta, float* c, long ldc, int threads, bool wide)
        => RunBatched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1, threads, wide);

    /// <summary>Batched GEMM: matrix i uses a + i*strideA etc. (stride 0 reuses the matrix).</summary>
    public static void RunBatched(bool transA, bool transB, int m, int n, int k, float alpha,
                                  float* a, long lda, long strideA, float* b, long ldb, long strideB,
                                  float beta, float* c, long ldc, long strideC, int batch, int threads, bool wide)
    {
        if (m <= 0 || n <= 0 || batch <= 0) return;
        var job = new Job
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = a, Lda = lda, StrideA = strideA, B = b, Ldb = ldb, StrideB = strideB,
            C = c, Ldc = ldc, StrideC = strideC,
        };

        int MR = wide ? Kernel8x32.MR : Kernel6x16.MR, NR = wide ? Kernel8x32.NR : Kernel6x16.NR;
        job.Wide = wide; job.MR = MR; job.NR = NR;
        long work = (long)m * n * Math.Max(k, 1) * batch;
        if (threads <= 1 || work < SerialThreshold)
        {
            for (int bi = 0; bi < batch; bi++) job.Tile(bi, 0, m, 0, n);
            return;
        }

        // Fixed partition: each matrix is cut into tm x tn tiles on the MR/NR grid. Only the assignment
        // depends on the thread count; each element's arithmetic does not.
        int parts = batch >= threads ? 1 : (threads + batch - 1) / batch;
        int nSlivers = (n + NR - 1) / NR, mSlivers = (m + MR - 1) / MR;
        int tn, tm;
        if (n >= m) { tn = Math.Min(parts, nSlivers); tm = Math.Min((parts + tn - 1) / tn, mSlivers); }
        else { tm = Math.Min(parts, mSlivers); tn = Math.Min((parts + tm - 1) / tm, nSlivers); }
        int items = batch * tm * tn;
        if (items == 1)
        {
            job.Tile(0, 0, m, 0, n);
            return;
        }
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = threads }, item =>
        {
            int bi = item / (tm * tn), t = item % (tm * tn), ti = t / tn, tj = t % tn;
            int i0 = Math.Min(m, (int)((long)mSlivers * ti / tm) * MR);
            int i1 = Math.Min(m, (int)((long)mSlivers * (ti + 1) / tm) * MR);
            int j0 = Math.Min(n, (int)((long)nSlivers * tj / tn) * NR);
            int j1 = Math.Min(n, (int)((long)nSlivers * (tj + 1) / tn) * NR);
            if (i1 > i0 && j1 > j0) job.Tile(bi, i0, i1, j0, j1);
        });
    }

    private struct Job
    {
        public bool TransA, TransB, Wide;
        public int MR, NR;
        public int M, N, K;
        public float Alpha, Beta;
        public float* A, B, C;
        public long Lda, Ldb, Ldc, StrideA, StrideB, StrideC;

        /// <summary>Computes C[i0:i1, j0:j1] of batch item <paramref name="bi"/> on this thread.</summary>
        public readonly void Tile(int bi, int i0, int i1, int j0, int j1)
        {
            float* a = A + bi * StrideA, b = B + bi * StrideB, c = C + bi * StrideC;
            if (K <= 0)
            {
                for (int i = i0; i < i1; i++)
                for (int j = j0; j < j1; j++)
                    c[i * Ldc + j] = Beta == 0f ? 0f : Beta * c[i * Ldc + j];
                return;
            }
            float* pa = PackA(), pb = PackB();
            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                int KCb = KcFor(Wide);
                for (int pc = 0; pc < K; pc += KCb)
                {
                    int kc = Math.Min(KCb, K - pc);
                    float beta = pc == 0 ? Beta : 1f;
                    Packing.PackB(TransB, b, Ldb, pc, kc, jc, nc, pb, NR);
                    for (int ic = i0; ic < i1; ic += MC)
                    {
                        int mc = Math.Min(MC, i1 - ic);
                        Packing.PackA(TransA, a, Lda, ic, mc, pc, kc, pa, MR);
                        for (int jr = 0; jr < nc; jr += NR)
                        {
                            int nr = Math.Min(NR, nc - jr);
                            float* bs = pb + (long)(jr / NR) * kc * NR;
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int mr = Math.Min(MR, mc - ir);
                                float* asl = pa + (long)(ir / MR) * kc * MR;
                                float* ct = c + (ic + ir) * Ldc + jc + jr;
                                Micro.Tile(Wide, kc, asl, 1, MR, bs, NR, ct, Ldc, Alpha, beta, mr, nr);
                            }
                        }
                    }
                }
            }
        }
    }
}
