using VisionCuda.Backends;

using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

/// <summary>
/// IBackend.NmsRanked (kernels/nms.cu) vs the Cpu backend's vectorised core: the kept ranks and their count must be
/// identical, on random and clustered boxes, runs of identical boxes (the tie case once ranked), zero-area points
/// and lines, per-class and class-agnostic, thresholds below 0 to 1, n around the 32-bit word and 64-box tile edges,
/// n = 0 and 1, and maxKeep cutting the walk short. Unwritten keep entries keep their sentinel on both sides.
/// </summary>
public static partial class OpCases
{
    private enum NmsLayout { Random, Clustered, Degenerate }

    private static void AddNms(List<OpCase> list)
    {
        void Add(string name, int n, NmsLayout layout, int classes, float cut, int maxKeep) =>
            list.Add(new OpCase(name, ["NmsRanked"], false, t => RunNms(t, n, layout, classes, cut, maxKeep)));

        foreach (int n in new[] { 0, 1, 2, 31, 32, 33, 63, 64, 65, 129, 300 })
            Add($"nms_ranked(random, n={n})", n, NmsLayout.Random, 0, 0.5f, n);
        foreach (float cut in new[] { -0.1f, 0f, 0.45f, 0.7f, 1f })
            Add($"nms_ranked(clustered, n=200, cut={cut})", 200, NmsLayout.Clustered, 0, cut, 200);
        Add("nms_ranked(degenerate: identical, zero-area, n=97)", 97, NmsLayout.Degenerate, 0, 0.5f, 97);
        Add("nms_ranked(degenerate, cut=0, n=97)", 97, NmsLayout.Degenerate, 0, 0f, 97);
        Add("nms_ranked(per-class 3, clustered, n=200)", 200, NmsLayout.Clustered, 3, 0.5f, 200);
        Add("nms_ranked(per-class 7, degenerate, n=130)", 130, NmsLayout.Degenerate, 7, 0.3f, 130);
        Add("nms_ranked(per-class 3, cut=-0.1, random, n=150)", 150, NmsLayout.Random, 3, -0.1f, 150);
        Add("nms_ranked(per-class 5, clustered, grid path, n=400)", 400, NmsLayout.Clustered, 5, 0.7f, 400);
        Add("nms_ranked(per-class 2, random, n=1)", 1, NmsLayout.Random, 2, 0.5f, 1);
        Add("nms_ranked(maxKeep=5, clustered, n=200)", 200, NmsLayout.Clustered, 0, 0.5f, 5);
        Add("nms_ranked(maxKeep=0, random, n=40)", 40, NmsLayout.Random, 0, 0.5f, 0);
        Add("nms_ranked(maxKeep=70, random, n=600)", 600, NmsLayout.Random, 4, 0.6f, 70);
    }

    private static void RunNms(OpContext t, int n, NmsLayout layout, int classes, float cut, int maxKeep)
    {
        var boxData = NmsBoxes(t, n, layout);
        var clsData = classes > 0 ? t.Ints(n, 0, classes) : null;
        var boxes = t.Pair(boxData);
        (Storage D, Storage C)? cls = clsData is null ? null : t.Pair(clsData);
        int room = Math.Max(1, Math.Min(n, maxKeep));
        var keep = t.Out(room, DType.Int32);
        var count = t.Out(1, DType.Int32);
        Det(t.Device).NmsRanked(boxes.D, cls?.D, n, cut, maxKeep, keep.D, count.D);
        Det(t.Cpu).NmsRanked(boxes.C, cls?.C, n, cut, maxKeep, keep.C, count.C);
        t.Exact(count, "nms kept count", DType.Int32);
        t.Exact(keep, "nms keep", DType.Int32);
        if (!t.IsCpuRow) return;
        var expected = ReferenceRankedNms.Keep(boxData, clsData, n, cut, maxKeep);
        t.OracleInts(count.C, () => [expected.Length], "nms kept count");
        int kept = OpContext.GetInts(t.Cpu, count.C)[0];
        OpContext.Same(OpContext.GetInts(t.Cpu, keep.C, kept), expected, "nms keep: cpu vs reference");
    }

    // Boxes [n, 4] xyxy. Random: spread over 300 px; clustered: 6 centres with 2 px jitter (heavy overlap, the
    // detector case); degenerate: runs of identical boxes, points, horizontal and vertical lines, repeated
    // zero-area boxes and inverted boxes (x2 < x1), mixed with ordinary ones.
    private static float[] NmsBoxes(OpContext t, int n, NmsLayout layout)
    {
        var u = t.Uniform(5L * n, 0f, 1f);
        var b = new float[4 * n];
        for (int i = 0; i < n; i++)
        {
            float r0 = u[5 * i], r1 = u[5 * i + 1], r2 = u[5 * i + 2], r3 = u[5 * i + 3], r4 = u[5 * i + 4];
            float x, y, w, h;
            switch (layout)
            {
                case NmsLayout.Clustered:
                    int c = (int)(r4 * 6);
                    x = 40 + 50 * c + 4 * r0;
                    y = 30 + 20 * c + 4 * r1;
                    w = 30 + 10 * r2;
                    h = 25 + 10 * r3;
                    break;
                case NmsLayout.Degenerate:
                    int kind = (int)(r4 * 8);
                    if (kind == 0 && i > 0)
                    {
                        int j = (int)(r0 * i);                    // an identical copy of an earlier box
                        Array.Copy(b, 4 * j, b, 4 * i, 4);
                        continue;
                    }
                    x = (float)Math.Round(100 * r0, 1);
                    y = (float)Math.Round(100 * r1, 1);
                    w = kind switch { 1 => 0f, 2 => 0f, 3 => 20f, 4 => -5f, _ => 5 + 30 * r2 };
                    h = kind switch { 1 => 0f, 3 => 0f, 2 => 15f, _ => 5 + 30 * r3 };
                    if (kind == 5) { x = 50; y = 50; w = 0; h = 0; }   // the same point, many times
                    break;
                default:
                    x = 300 * r0;
                    y = 300 * r1;
                    w = 5 + 60 * r2;
                    h = 5 + 60 * r3;
                    break;
            }
            b[4 * i] = x;
            b[4 * i + 1] = y;
            b[4 * i + 2] = x + w;
            b[4 * i + 3] = y + h;
        }
        return b;
    }
}
