using VisionCuda.Cpu.Diagnostics;
using System.Numerics.Tensors;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// (Log-)softmax over the middle dim of [outer, dim, inner], max-subtracted. inner == 1 (classification logits)
/// works on contiguous rows with TensorPrimitives; inner &gt; 1 (per-pixel class maps) works on whole [dim, inner]
/// slices, vectorised along inner. One work item per outer slice: no cross-thread sums.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void Softmax(Storage x, Storage y, long outer, int dimSize, long inner, bool log)
    {
        using var profiled = Time("softmax");
        float* px = P(x), py = P(y);
        if (inner == 1)
        {
            CpuParallel.For(Threads, outer, CpuParallel.GrainFor(3L * dimSize), (s, e) =>
            {
                for (long o = s; o < e; o++) SoftmaxKernel.Row(px + o * dimSize, py + o * dimSize, dimSize, log);
            });
            return;
        }
        int n = checked((int)inner);
        CpuParallel.For(Threads, outer, CpuParallel.GrainFor(3L * dimSize * inner), (s, e) =>
        {
            var scratch = new float[2 * n];
            for (long o = s; o < e; o++)
                SoftmaxKernel.Slice(px + o * dimSize * inner, py + o * dimSize * inner, dimSize, n, log, scratch);
        });
    }

    public void SoftmaxBackward(Storage y, Storage dy, Storage dx, long outer, int dimSize, long inner, bool log)
    {
        using var profiled = Time("softmax.bwd");
        float* py = P(y), pdy = P(dy), pdx = P(dx);
        if (inner == 1)
        {
            CpuParallel.For(Threads, outer, CpuParallel.GrainFor(3L * dimSize), (s, e) =>
            {
                for (long o = s; o < e; o++)
                    SoftmaxKernel.RowBackward(py + o * dimSize, pdy + o * dimSize, pdx + o * dimSize, dimSize, log);
            });
            return;
        }
        int n = checked((int)inner);
        CpuParallel.For(Threads, outer, CpuParallel.GrainFor(3L * dimSize * inner), (s, e) =>
        {
            var scratch = new float[2 * n];
            for (long o = s; o < e; o++)
            {
                long off = o * dimSize * inner;
                SoftmaxKernel.Backward(py + off, pdy + off, pdx + off, dimSize, n, log, scratch);
            }
        });
    }
}
