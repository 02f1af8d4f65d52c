using System.Globalization;
using VisionCuda.Backends;
using VisionCuda.Reference;

namespace VisionCuda.Bench.Cases;

/// <summary>
/// IDetectionOps.NmsRanked (the suppression step of NMS: on Cuda the bitmask kernels of kernels/nms.cu) on the benchmark
/// sets of tools/goldens/detect_eval/benchset.py (ReferenceNms.BenchmarkSet): random boxes at IoU 0.5 or clustered
/// boxes at IoU 0.7. The boxes are ranked and uploaded once; one run is the op (mask and walk on the device); the check
/// downloads keep and its count and compares them with the naive O(n^2) oracle. Work: 7 flops (2 sub, mul, add, sub,
/// div, compare) for each of the n(n-1)/2 pairs of the full scan; the Cpu core's grid skips disjoint pairs, so its
/// rate is an effective one.
/// </summary>
public sealed class NmsCase(int n, bool clustered)
    : KernelCase("nms", $"{n.ToString(CultureInfo.InvariantCulture)} {(clustered ? "clustered iou0.7" : "random iou0.5")}",
                 7.0 * n * (n - 1) / 2, WorkUnit.Flops)
{
    private double Iou => clustered ? 0.7 : 0.5;
    private int[] _expectedRanks = null!;
    private Storage _boxes = null!, _keep = null!, _count = null!;

    protected override void Allocate()
    {
        var (boxes, scores) = ReferenceNms.BenchmarkSet(n, clustered ? 777u : 12345u, clustered);
        int[] order = ReferenceNms.RankByScore(scores);
        var ranked = new float[4 * n];
        var rankOf = new int[n];
        for (int r = 0; r < n; r++)
        {
            Array.Copy(boxes, 4 * order[r], ranked, 4 * r, 4);
            rankOf[order[r]] = r;
        }
        _expectedRanks = ReferenceNms.Nms(boxes, scores, Iou).Select(i => rankOf[i]).ToArray();
        _boxes = Up(ranked);
        _keep = Alloc(n, DType.Int32);
        _count = Alloc(1, DType.Int32);
    }

    // The float cut of the double threshold (VisionCuda.Backends.NmsThreshold.FloatCut): largest float <= t.
    private float Cut
    {
        get
        {
            float f = (float)Iou;
            return (double)f > Iou ? MathF.BitDecrement(f) : f;
        }
    }

    public override void Run() => Backend.Detection().NmsRanked(_boxes, null, n, Cut, n, _keep, _count);

    public override CheckResult Check()
    {
        Run();
        var count = new int[1];
        Backend.Download<int>(_count, count);
        if (count[0] != _expectedRanks.Length)
            return new CheckResult(false, double.PositiveInfinity, $"kept {count[0]} boxes, the oracle {_expectedRanks.Length}");
        var keep = new int[count[0]];
        Backend.Download<int>(_keep, keep);
        for (int k = 0; k < keep.Length; k++)
            if (keep[k] != _expectedRanks[k])
                return new CheckResult(false, double.PositiveInfinity, $"keep[{k}] = rank {keep[k]}, the oracle rank {_expectedRanks[k]}");
        return new CheckResult(true, 0, $"{keep.Length} kept, same ranks as the oracle");
    }
}
