using VisionCuda.Backends;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Unary(UnaryOp op, Storage x, Storage y, long count, float a = 0f, float b = 0f) => throw new NotImplementedException("cpu op pending");

    public void UnaryBackward(UnaryOp op, Storage x, Storage y, Storage dy, Storage dx, long count, float a = 0f, float b = 0f) => throw new NotImplementedException("cpu op pending");

    public void Binary(BinaryOp op, Storage a, Storage b, Storage y, BroadcastPlan plan) => throw new NotImplementedException("cpu op pending");

}
