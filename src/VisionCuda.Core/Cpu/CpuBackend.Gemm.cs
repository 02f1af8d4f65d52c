using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Storage a, long aOffset, long strideA, Storage b, long bOffset, long strideB, float beta, Storage c, long cOffset, long strideC, int batch = 1) => throw new NotImplementedException("cpu op pending");

}
