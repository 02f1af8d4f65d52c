using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionCuda.Cpu.Gemm;

/// <summary>
/// The AVX2 6x16 micro-kernel: a 6-row x 16-column tile of C held in 12 Vector256 accumulators, fed by a packed
/// A sliver (6 floats per k) and a packed B sliver (16 floats per k). Per k: 2 vector loads, 6 broadcasts,
/// 12 FMAs, which keeps both FMA pipes of an AVX2 core busy with 15 of its 16 ymm registers.
/// Without FMA hardware it falls back to multiply + add on Vector256 (software-emulated where Vector256
/// is not accelerated): slower, same tiling, same k order.
/// </summary>
internal static unsafe class Kernel6x16
{
    public const int MR = 6;
    public const int NR = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Madd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>
    /// C[0:mr, 0:nr] = alpha * sum_p A(i,p) B(p,j) + beta * C (beta == 0: C not read; beta == 1: C += ...), where
    /// A(i,p) = a_i[p*aks] (six row pointers: a packed sliver, or rows of an unpacked matrix in either layout)
    /// and B(p, j) = b[p*bks + j] (a packed sliver with bks = NR, or 16 contiguous columns of a row-major matrix).
    /// All six row pointers and 16 columns must be readable; rows/columns past mr/nr are computed and dropped.
    /// Edge tiles write only the valid part, with the same scalar arithmetic as the vector path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, long aks,
                            float* b, long bks, float* c, long ldc, float alpha, float beta, int mr, int nr)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        long off = 0;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a0[off]);
            c00 = Madd(av, b0, c00); c01 = Madd(av, b1, c01);
            av = Vector256.Create(a1[off]);
            c10 = Madd(av, b0, c10); c11 = Madd(av, b1, c11);
            av = Vector256.Create(a2[off]);
            c20 = Madd(av, b0, c20); c21 = Madd(av, b1, c21);
            av = Vector256.Create(a3[off]);
            c30 = Madd(av, b0, c30); c31 = Madd(av, b1, c31);
            av = Vector256.Create(a4[off]);
            c40 = Madd(av, b0, c40); c41 = Madd(av, b1, c41);
            av = Vector256.Create(a5[off]);
            c50 = Madd(av, b0, c50); c51 = Madd(av, b1, c51);
            off += aks;
            b += bks;
        }

        if (mr == MR && nr == NR)
        {
            Update(c, c00, alpha, beta); Update(c + 8, c01, alpha, beta); c += ldc;
            Update(c, c10, alpha, beta); Update(c + 8, c11, alpha, beta); c += ldc;
            Update(c, c20, alpha, beta); Update(c + 8, c21, alpha, beta); c += ldc;
            Update(c, c30, alpha, beta); Update(c + 8, c31, alpha, beta); c += ldc;
            Update(c, c40, alpha, beta); Update(c + 8, c41, alpha, beta); c += ldc;
            Update(c, c50, alpha, beta); Update(c + 8, c51, alpha, beta);
            return;
        }

        float* t = stackalloc float[MR * NR];
        c00.Store(t); c01.Store(t + 8); c10.Store(t + 16); c11.Store(t + 24);
        c20.Store(t + 32); c21.Store(t + 40); c30.Store(t + 48); c31.Store(t + 56);
        c40.Store(t + 64); c41.Store(t + 72); c50.Store(t + 80); c51.Store(t + 88);
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
    private static void Update(float* p, Vector256<float> acc, float alpha, float beta)
    {
        var v = alpha == 1f ? acc : acc * alpha;
        if (beta == 1f) v = Vector256.Load(p) + v;
        else if (beta != 0f) v = v + Vector256.Load(p) * beta;
        v.Store(p);
    }
}
