using VisionCuda.Cpu.Diagnostics;
using System.Numerics.Tensors;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Fill(Storage destination, float value)
    {
        using var profiled = Time("fill");
        var d = C(destination);
        if (d.DType == DType.Int32)
        {
            // Int32 storages (targets, indices) take the value converted, so Fill(indices, 0) works.
            int iv = (int)value;
            int* pi = d.IntPointer;
            CpuParallel.For(Threads, d.Count, CpuParallel.ElementGrain, (s, e) => new Span<int>(pi + s, (int)(e - s)).Fill(iv));
            return;
        }
        float* p = d.FloatPointer;
        CpuParallel.For(Threads, d.Count, CpuParallel.ElementGrain, (s, e) => new Span<float>(p + s, (int)(e - s)).Fill(value));
    }

    public void CopyBlocks(Storage source, long sourceOffset, long sourceStride, Storage destination, long destinationOffset,
                           long destinationStride, long rows, long cols, bool accumulate)
    {
        using var profiled = Profile is null ? default : Time(accumulate ? "copy.add" : "copy");
        if (rows <= 0 || cols <= 0) return;
        bool ints = C(source).DType == DType.Int32;
        float* src = P(source) + sourceOffset;
        float* dst = P(destination) + destinationOffset;
        // Work items are (row, column chunk) pairs so that both "many short rows" and "one huge row" spread over threads.
        long colGrain = Math.Min(cols, CpuParallel.ElementGrain);
        long colChunks = (cols + colGrain - 1) / colGrain;
        long items = rows * colChunks;
        CpuParallel.For(Threads, items, CpuParallel.GrainFor(colGrain), (s, e) =>
        {
            for (long it = s; it < e; it++)
            {
                long r = it / colChunks, c0 = (it % colChunks) * colGrain;
                int len = (int)Math.Min(colGrain, cols - c0);
                float* sp = src + r * sourceStride + c0;
                float* dp = dst + r * destinationStride + c0;
                if (!accumulate)
                    new ReadOnlySpan<float>(sp, len).CopyTo(new Span<float>(dp, len));
                else if (ints)
                    TensorPrimitives.Add(new ReadOnlySpan<int>(dp, len), new ReadOnlySpan<int>(sp, len), new Span<int>(dp, len));
                else
                    TensorPrimitives.Add(new ReadOnlySpan<float>(dp, len), new ReadOnlySpan<float>(sp, len), new Span<float>(dp, len));
            }
        });
    }

    public void Permute(Storage x, int[] shape, int[] perm, Storage y)
    {
        using var profiled = Time("permute");
        var plan = PermutePlan.Create(shape, perm);
        // Bytewise the same for Int32 storages: a permute only moves 4-byte elements.
        PermuteKernel.Run(plan, P(x), P(y), Threads);
    }
}
