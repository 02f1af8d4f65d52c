using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Fill(Storage destination, float value) => throw new NotImplementedException("cpu op pending");

    public void CopyBlocks(Storage source, long sourceOffset, long sourceStride, Storage destination, long destinationOffset, long destinationStride, long rows, long cols, bool accumulate) => throw new NotImplementedException("cpu op pending");

    public void Permute(Storage x, int[] shape, int[] perm, Storage y) => throw new NotImplementedException("cpu op pending");

    public void Axpy(Storage a, Storage b, Storage y, long count, float alpha) => throw new NotImplementedException("cpu op pending");

}
