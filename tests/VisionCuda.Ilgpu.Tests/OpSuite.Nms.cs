using VisionCuda.Backends;
using static VisionCuda.Ilgpu.Tests.OpHarness;

namespace VisionCuda.Ilgpu.Tests;

// IBackend.NmsRanked on ILGPU (Kernels/NmsKernels.cs) vs the Cpu backend and a plain-loop reference: tiny inputs
// (ilgpu:cpu is slow) that still cross the 32-box word edge, with identical and zero-area boxes, classes and maxKeep.
public abstract partial class OpSuite
{
    [SkippableFact]
    public void NmsRankedMatchesCpuAndReference()
    {
        var h = H;
        const int n = 70;
        var u = Rand(4 * n, 300, 0f, 1f);
        var boxes = new float[4 * n];
        for (int i = 0; i < n; i++)
        {
            float x = 30 * (i % 3) + 4 * u[4 * i], y = 8 * u[4 * i + 1], w = 20 + 10 * u[4 * i + 2], hh = 20 + 10 * u[4 * i + 3];
            if (i % 11 == 5) { w = 0; hh = 0; x = 40; y = 5; }        // the same point again and again
            if (i % 13 == 7) { w = 25; hh = 0; }                       // a line
            boxes[4 * i] = x; boxes[4 * i + 1] = y; boxes[4 * i + 2] = x + w; boxes[4 * i + 3] = y + hh;
            if (i % 9 == 4) Array.Copy(boxes, 4 * (i - 1), boxes, 4 * i, 4);   // identical to the previous rank
        }
        var classes = new int[n];
        for (int i = 0; i < n; i++) classes[i] = (i * 7) % 3;
        foreach (var (useClasses, cut, maxKeep, count) in new[] { (false, 0.5f, n, n), (true, 0.3f, n, n), (false, 0f, n, n), (true, 0.5f, 4, n), (false, 0.5f, 1, 1), (false, 0.5f, 5, 0) })
        {
            var expected = NaiveRankedNms(boxes, useClasses ? classes : null, count, cut, maxKeep);
            int[] Run(IBackend b)
            {
                var bs = Put(b, boxes);
                var cs = useClasses ? PutI(b, classes) : null;
                var keep = b.Allocate(Math.Max(1, Math.Min(count, maxKeep)), DType.Int32);
                var kc = b.Allocate(1, DType.Int32);
                b.Detection().NmsRanked(bs, cs, count, cut, maxKeep, keep, kc);
                int k = GetI(b, kc, 1)[0];
                return GetI(b, keep, k);
            }
            string what = $"nms classes={useClasses} cut={cut} maxKeep={maxKeep} n={count}";
            Same(expected, Run(h.Cpu), what + " cpu vs reference");
            Same(expected, Run(h.Dev), what + " device vs reference");
        }
    }

    // The textbook loop: float32 IoU in torchvision's order, later boxes only, same class only when classes are given.
    private static int[] NaiveRankedNms(float[] b, int[]? cls, int n, float cut, int maxKeep)
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
