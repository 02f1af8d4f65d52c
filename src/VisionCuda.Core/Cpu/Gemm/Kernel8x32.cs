using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionCuda.Cpu.Gemm;

/// <summary>
/// The AVX-512 8x32 micro-kernel: an 8-row x 32-column tile of C in 16 Vector512 accumulators. Per k: 2 vector
/// loads, 8 broadcasts, 16 FMAs. Where 512-bit FMAs run at the same flop rate as two 256-bit ones (Zen 4
/// double-pumps them), the wider tile halves the instructions and the loads per flop, which is what keeps
/// the FMA pipes fed; it also needs the 32 vector registers of AVX-512.
/// </summary>
internal static unsafe class Kernel8x32
{
    public const int MR = 8;
    public const int NR = 32;

    /// <summary>Same contract as <see cref="Kernel6x16.Tile"/>, with eight row pointers and 32 columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, float* a6, float* a7,
                            long aks, float* b, long bks, float* c, long ldc, float alpha, float beta, int mr, int nr)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        // Bring the C tile towards L1 while the k loop runs: its rows are touched only in the epilogue.
        for (int i = 0; i < mr; i++)
        {
            Sse.Prefetch0(c + i * ldc);
            Sse.Prefetch0(c + i * ldc + 16);
        }
        long off = 0, ahead = 6 * bks;
        for (int p = 0; p < kc; p++)
        {
            Sse.Prefetch0(b + ahead);
            Sse.Prefetch0(b + ahead + 16);
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a0[off]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a1[off]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a2[off]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a3[off]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[off]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a5[off]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a6[off]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a7[off]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            off += aks;
            b += bks;
        }

        if (mr == MR && nr == NR)
        {
            Update(c, c00, alpha, beta); Update(c + 16, c01, alpha, beta); c += ldc;
            Update(c, c10, alpha, beta); Update(c + 16, c11, alpha, beta); c += ldc;
            Update(c, c20, alpha, beta); Update(c + 16, c21, alpha, beta); c += ldc;
            Update(c, c30, alpha, beta); Update(c + 16, c31, alpha, beta); c += ldc;
            Update(c, c40, alpha, beta); Update(c + 16, c41, alpha, beta); c += ldc;
            Update(c, c50, alpha, beta); Update(c + 16, c51, alpha, beta); c += ldc;
            Update(c, c60, alpha, beta); Update(c + 16, c61, alpha, beta); c += ldc;
            Update(c, c70, alpha, beta); Update(c + 16, c71, alpha, beta);
            return;
        }

        float* t = stackalloc float[MR * NR];
        c00.Store(t); c01.Store(t + 16); c10.Store(t + 32); c11.Store(t + 48);
        c20.Store(t + 64); c21.Store(t + 80); c30.Store(t + 96); c31.Store(t + 112);
        c40.Store(t + 128); c41.Store(t + 144); c50.Store(t + 160); c51.Store(t + 176);
        c60.Store(t + 192); c61.Store(t + 208); c70.Store(t + 224); c71.Store(t + 240);
        for (int i = 0; i < mr; i++)
        {
            float* row = c + i * ldc;
            float* acc = t + i * NR;
            for (int j = 0; j < nr; j++)
            {
                float v = alpha == 1f ? acc[j] : acc[j] * alpha;
                if (beta == 1f) v = row[j] + v;
                else if (beta != 0f) v = v + row[j] * beta;
                row[j] = v;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* p, Vector512<float> acc, float alpha, float beta)
    {
        var v = alpha == 1f ? acc : acc * alpha;
        if (beta == 1f) v = Vector512.Load(p) + v;
        else if (beta != 0f) v = v + Vector512.Load(p) * beta;
        v.Store(p);
    }
}
