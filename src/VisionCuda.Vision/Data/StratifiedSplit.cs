using VisionCuda.Random;

namespace VisionCuda.Vision.Data;

/// <summary>
/// Deterministic stratified selection: within each class, samples are shuffled by a Philox stream keyed by
/// (seed, stream, class, Split) and the first k are picked, k = round(n * fraction). Results are sorted indices,
/// so the order of a split never depends on the shuffle.
/// </summary>
public static class StratifiedSplit
{
    /// <summary>Stream ids so that the val split and the `fraction` subset never share draws.</summary>
    public const long ValStream = 0, FractionStream = 1;

    /// <summary>Splits into (kept, heldOut) with about <paramref name="heldOutFraction"/> of each class held out.
    /// A class with at least 2 samples keeps at least one and holds out at least one (when the fraction is > 0).</summary>
    public static (int[] Kept, int[] HeldOut) Split(IReadOnlyList<int> labels, int numClasses, double heldOutFraction, ulong seed)
    {
        if (heldOutFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction, "val fraction must be in [0, 1)");
        var kept = new List<int>();
        var held = new List<int>();
        foreach (var (cls, members) in ByClass(labels, numClasses))
        {
            int n = members.Length;
            int k = (int)Math.Round(n * heldOutFraction, MidpointRounding.AwayFromZero);
            if (heldOutFraction > 0 && n >= 2) k = Math.Clamp(k, 1, n - 1);
            new RandomStream(seed, ValStream, cls, RandomPurpose.Split).Shuffle(members.AsSpan());
            held.AddRange(members.Take(k));
            kept.AddRange(members.Skip(k));
        }
        kept.Sort();
        held.Sort();
        return (kept.ToArray(), held.ToArray());
    }

    /// <summary>A stratified subset keeping about <paramref name="fraction"/> of each class (at least one sample of
    /// every non-empty class). Ultralytics' `fraction` argument.</summary>
    public static int[] Subset(IReadOnlyList<int> labels, int numClasses, double fraction, ulong seed)
    {
        if (fraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "fraction must be in (0, 1]");
        if (fraction >= 1) return Enumerable.Range(0, labels.Count).ToArray();
        var result = new List<int>();
        foreach (var (cls, members) in ByClass(labels, numClasses))
        {
            int n = members.Length;
            int k = Math.Clamp((int)Math.Round(n * fraction, MidpointRounding.AwayFromZero), 1, n);
            new RandomStream(seed, FractionStream, cls, RandomPurpose.Split).Shuffle(members.AsSpan());
            result.AddRange(members.Take(k));
        }
        result.Sort();
        return result.ToArray();
    }

    private static IEnumerable<(int Class, int[] Members)> ByClass(IReadOnlyList<int> labels, int numClasses)
    {
        var lists = new List<int>[numClasses];
        for (int c = 0; c < numClasses; c++) lists[c] = new List<int>();
        for (int i = 0; i < labels.Count; i++)
        {
            int l = labels[i];
            if ((uint)l >= (uint)numClasses) throw new ArgumentOutOfRangeException(nameof(labels), l, $"label outside {numClasses} classes");
            lists[l].Add(i);
        }
        for (int c = 0; c < numClasses; c++)
            if (lists[c].Count > 0) yield return (c, lists[c].ToArray());
    }
}
