using VisionCuda.Cpu.Diagnostics;
using VisionCuda.Backends;
using VisionCuda.Cpu.Gemm;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    /// <summary>Row-major batched SGEMM on the blocked SIMD kernel (Cpu/Gemm/Sgemm.cs), threaded over C tiles.</summary>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Storage a, long aOffset, long strideA, Storage b, long bOffset, long strideB, float beta, Storage c, long cOffset, long strideC, int batch = 1)
    {
        using var profiled = Time("gemm");
        if (m < 0 || n < 0 || k < 0 || batch < 0) throw new ArgumentOutOfRangeException(nameof(m), "gemm: negative size");
        Sgemm.RunBatched(transA, transB, m, n, k, alpha,
            P(a) + aOffset, transA ? m : k, strideA,
            P(b) + bOffset, transB ? k : n, strideB,
            beta, P(c) + cOffset, n, strideC, batch, Threads, Micro.Wide);
    }
}
