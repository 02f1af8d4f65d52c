namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// Fixed partitioning for the parallel Cpu kernels. Work [0, count) is cut into chunks of a fixed
/// <c>grain</c> that never depends on the thread count or on timing; each chunk is run by exactly one thread
/// with the same code path. So an element (or a partial sum) is always computed by the same instructions over
/// the same data, and results are bitwise repeatable whether the chunks run in parallel or one after another
/// (conventions.md, Determinism).
/// </summary>
internal static class CpuParallel
{
    /// <summary>Elementwise chunk: 32K floats (128 KiB) keeps the Parallel.For overhead below a few percent.</summary>
    public const long ElementGrain = 32 * 1024;

    /// <summary>Runs <paramref name="body"/>(start, end) over fixed chunks of <paramref name="grain"/> items.</summary>
    public static void For(int threads, long count, long grain, Action<long, long> body)
    {
        if (count <= 0) return;
        grain = Math.Max(1, grain);
        long chunks = (count + grain - 1) / grain;
        if (chunks == 1 || threads <= 1)
        {
            for (long c = 0; c < chunks; c++) body(c * grain, Math.Min(count, (c + 1) * grain));
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0L, chunks, options, c => body(c * grain, Math.Min(count, (c + 1) * grain)));
    }

    /// <summary>
    /// Grain for loops over items (rows, planes, channels) that each cost about <paramref name="workPerItem"/>
    /// element operations, so that a chunk holds roughly <see cref="ElementGrain"/> of work.
    /// </summary>
    public static long GrainFor(long workPerItem) => Math.Max(1, ElementGrain / Math.Max(1, workPerItem));
}
