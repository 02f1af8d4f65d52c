using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionCuda.Cpu.Gemm;

/// <summary>
/// Picks the micro-kernel once per process: the AVX-512 8x32 tile where the CPU has AVX-512F, else the AVX2
/// 6x16 tile (which itself falls back to multiply + add without FMA). VISIONCUDA_CPU_AVX512=0 forces the 6x16
/// tile. The choice is fixed for the process, so results stay bitwise repeatable run to run on one machine.
/// Tests check both kernels through <see cref="Override"/>, an AsyncLocal: it flows into the Parallel.For
/// workers of the test's own calls and nowhere else, so concurrently running tests keep the default kernel.
/// Each op reads <see cref="Wide"/> once on entry and passes the choice down.
/// </summary>
internal static unsafe class Micro
{
    public const int MaxMR = 8, MaxNR = 32;

    private static readonly bool s_default = Avx512F.IsSupported && Vector512.IsHardwareAccelerated
        && Environment.GetEnvironmentVariable("VISIONCUDA_CPU_AVX512") != "0";

    private static readonly AsyncLocal<bool?> s_override = new();

    /// <summary>Kernel choice for this execution flow: null restores the process default.</summary>
    internal static bool? Override
    {
        get => s_override.Value;
        set => s_override.Value = value;
    }

    internal static bool Wide => s_override.Value ?? s_default;

    public static int MR => Wide ? Kernel8x32.MR : Kernel6x16.MR;

    public static int NR => Wide ? Kernel8x32.NR : Kernel6x16.NR;

    /// <summary>
    /// One MR x NR tile: A(i, p) = a[min(i, mr-1)*ars + p*aks] (rows past mr are clamped to a valid row, their
    /// results dropped), B(p, j) = b[p*bks + j] for j &lt; NR (all NR columns readable).
    /// </summary>
    public static void Tile(bool wide, int kc, float* a, long ars, long aks, float* b, long bks,
                            float* c, long ldc, float alpha, float beta, int mr, int nr)
    {
        long last = mr - 1;
        if (wide)
        {
            Kernel8x32.Tile(kc, a, a + Math.Min(1, last) * ars, a + Math.Min(2, last) * ars, a + Math.Min(3, last) * ars,
                a + Math.Min(4, last) * ars, a + Math.Min(5, last) * ars, a + Math.Min(6, last) * ars, a + Math.Min(7, last) * ars,
                aks, b, bks, c, ldc, alpha, beta, mr, nr);
        }
        else
        {
            Kernel6x16.Tile(kc, a, a + Math.Min(1, last) * ars, a + Math.Min(2, last) * ars, a + Math.Min(3, last) * ars,
                a + Math.Min(4, last) * ars, a + Math.Min(5, last) * ars, aks, b, bks, c, ldc, alpha, beta, mr, nr);
        }
    }
}
