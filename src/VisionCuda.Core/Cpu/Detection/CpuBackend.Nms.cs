using VisionCuda.Backends;
using VisionCuda.Cpu.Detection;

namespace VisionCuda.Cpu;

/// <summary>NMS suppression on ranked boxes: the vectorised, grid-pruned host core (<see cref="RankedNms"/>).</summary>
public sealed unsafe partial class CpuBackend
{
    public void NmsRanked(Storage boxes, Storage? classes, int n, float iouCut, int maxKeep, Storage keep, Storage keepCount)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        var box = new ReadOnlySpan<float>(P(boxes), checked(4 * n));
        var cls = classes is null ? ReadOnlySpan<int>.Empty : new ReadOnlySpan<int>(PI(classes), n);
        int room = Math.Max(0, Math.Min(n, maxKeep));
        var kept = new Span<int>(PI(keep), room);
        PI(keepCount)[0] = RankedNms.Suppress(box, ReadOnlySpan<int>.Empty, cls, n, iouCut, room, kept);
    }
}
