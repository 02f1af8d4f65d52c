using VisionCuda.Cpu.Diagnostics;
using System.Numerics.Tensors;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Reduce(ReduceOp op, Storage x, Storage y, long outer, int dimSize, long inner, Storage? argmax = null)
    {
        using var profiled = Profile is null ? default : Time("reduce." + op);
        float* px = P(x), py = P(y);
        switch (op)
        {
            case ReduceOp.Sum:
            case ReduceOp.Mean:
                ReduceKernel.Sum(px, py, outer, dimSize, inner, op == ReduceOp.Mean, Threads);
                break;
            case ReduceOp.Max:
                ReduceKernel.Max(px, py, argmax is null ? null : PI(argmax), outer, dimSize, inner, Threads);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    public void ReduceBackward(ReduceOp op, Storage dy, Storage dx, long outer, int dimSize, long inner, Storage? argmax = null)
    {
        using var profiled = Profile is null ? default : Time("reduce.bwd." + op);
        float* pdy = P(dy), pdx = P(dx);
        if (op == ReduceOp.Max)
        {
            if (argmax is null) throw new ArgumentException("max backward needs the argmax from the forward");
            int* am = PI(argmax);
            long plane = (long)dimSize * inner;
            CpuParallel.For(Threads, outer, CpuParallel.GrainFor(plane), (s, e) =>
            {
                for (long o = s; o < e; o++)
                {
                    float* d = pdx + o * plane;
                    for (long q = 0; q < plane; q += int.MaxValue / 2)
                        new Span<float>(d + q, (int)Math.Min(plane - q, int.MaxValue / 2)).Clear();
                    for (long i = 0; i < inner; i++) d[am[o * inner + i] * inner + i] = pdy[o * inner + i];
                }
            });
            return;
        }
        bool mean = op == ReduceOp.Mean;
        if (inner == 1)
        {
            // Each dx row is one dy value broadcast along the reduced dim.
            CpuParallel.For(Threads, outer, CpuParallel.GrainFor(dimSize), (s, e) =>
            {
                for (long o = s; o < e; o++)
                {
                    float v = mean ? pdy[o] / dimSize : pdy[o];
                    new Span<float>(pdx + o * dimSize, dimSize).Fill(v);
                }
            });
            return;
        }
        int rowLen = checked((int)inner);
        CpuParallel.For(Threads, outer * dimSize, CpuParallel.GrainFor(inner), (s, e) =>
        {
            for (long r = s; r < e; r++)
            {
                var src = new ReadOnlySpan<float>(pdy + r / dimSize * inner, rowLen);
                var dst = new Span<float>(pdx + r * inner, rowLen);
                if (mean) TensorPrimitives.Divide(src, (float)dimSize, dst);
                else src.CopyTo(dst);
            }
        });
    }
}
