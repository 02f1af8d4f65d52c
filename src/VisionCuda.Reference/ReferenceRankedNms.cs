namespace VisionCuda.Reference;

/// <summary>
/// The naive oracle of IBackend.NmsRanked: boxes already in rank order, the textbook O(n^2) walk. Float32 IoU in
/// torchvision's order (see <see cref="ReferenceNms"/>), later boxes only, the same class only when classes are given,
/// and at most maxKeep kept.
/// </summary>
public static class ReferenceRankedNms
{
    public static int[] Keep(float[] b, int[]? cls, int n, float cut, int maxKeep)
    {
        var removed = new bool[n];
        var keep = new List<int>();
        for (int i = 0; i < n && keep.Count < maxKeep; i++)
        {
            if (removed[i]) continue;
            keep.Add(i);
            float ai = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
            for (int j = i + 1; j < n; j++)
            {
                if (cls is not null && cls[j] != cls[i]) continue;
                float aj = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
                float w = Math.Max(0f, Math.Min(b[4 * i + 2], b[4 * j + 2]) - Math.Max(b[4 * i], b[4 * j]));
                float hh = Math.Max(0f, Math.Min(b[4 * i + 3], b[4 * j + 3]) - Math.Max(b[4 * i + 1], b[4 * j + 1]));
                float inter = w * hh;
                if (inter / (ai + aj - inter) > cut) removed[j] = true;
            }
        }
        return keep.ToArray();
    }
}
