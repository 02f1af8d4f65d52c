namespace VisionCuda.Backends;

/// <summary>
/// How two operands of a binary op broadcast to the output. Dimensions are coalesced where possible
/// so that kernels see at most <see cref="MaxRank"/> dims; a stride of 0 marks a broadcast dimension.
/// </summary>
public sealed class BroadcastPlan
{
    public const int MaxRank = 6;

    public int Rank { get; }
    public int[] OutShape { get; }
    public long[] AStrides { get; }
    public long[] BStrides { get; }
    public long Count { get; }

    /// <summary>True when both inputs are laid out exactly like the output (the common fast path).</summary>
    public bool SameShape { get; }

    /// <summary>True when b is a single element broadcast over all of a.</summary>
    public bool BIsScalar { get; }

    private BroadcastPlan(int[] outShape, long[] aStrides, long[] bStrides)
    {
        Rank = outShape.Length;
        OutShape = outShape;
        AStrides = aStrides;
        BStrides = bStrides;
        long c = 1;
        foreach (int d in outShape) c *= d;
        Count = c;
        var contiguous = Shapes.ContiguousStrides(outShape);
        SameShape = aStrides.AsSpan().SequenceEqual(contiguous) && bStrides.AsSpan().SequenceEqual(contiguous);
        BIsScalar = Array.TrueForAll(bStrides, s => s == 0);
    }

    public static BroadcastPlan Create(int[] aShape, int[] bShape)
    {
        int rank = Math.Max(aShape.Length, bShape.Length);
        var outShape = new int[rank];
        var a = new int[rank];
        var b = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            a[i] = i - (rank - aShape.Length) >= 0 ? aShape[i - (rank - aShape.Length)] : 1;
            b[i] = i - (rank - bShape.Length) >= 0 ? bShape[i - (rank - bShape.Length)] : 1;
            if (a[i] != b[i] && a[i] != 1 && b[i] != 1)
                throw new ArgumentException($"shapes [{string.Join(",", aShape)}] and [{string.Join(",", bShape)}] do not broadcast");
            outShape[i] = Math.Max(a[i], b[i]);
        }
        var aStr = Shapes.ContiguousStrides(a);
        var bStr = Shapes.ContiguousStrides(b);
        for (int i = 0; i < rank; i++)
        {
            if (a[i] == 1 && outShape[i] != 1) aStr[i] = 0;
            if (b[i] == 1 && outShape[i] != 1) bStr[i] = 0;
        }
        // Coalesce adjacent dims when both operands step through them contiguously; drop size-1 dims.
        var dims = new List<(int size, long sa, long sb)>();
        for (int i = 0; i < rank; i++)
        {
            if (outShape[i] == 1) continue;
            if (dims.Count > 0)
            {
                var (ps, psa, psb) = dims[^1];
                if (psa == aStr[i] * outShape[i] && psb == bStr[i] * outShape[i])
                {
                    dims[^1] = (ps * outShape[i], aStr[i], bStr[i]);
                    continue;
                }
            }
            dims.Add((outShape[i], aStr[i], bStr[i]));
        }
        if (dims.Count == 0) dims.Add((1, 1, 1));
        if (dims.Count > MaxRank)
            throw new ArgumentException($"broadcast of rank {dims.Count} after coalescing exceeds {MaxRank}");
        return new BroadcastPlan(
            dims.Select(d => d.size).ToArray(),
            dims.Select(d => d.sa).ToArray(),
            dims.Select(d => d.sb).ToArray());
    }
}
