using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// Box ops: CIoU forward/backward and the IoU matrix, one scalar <see cref="BoxMath"/> evaluation per position over
/// fixed chunks (atan has no vector form here, and a few tens of thousands of boxes per step cost well under a
/// millisecond). The assigner metrics are a plain loop per (image, gt) row, in exactly the float32 order of
/// <see cref="BoxMath"/>: the Cpu backend gives bitwise the values of the host assigner it replaced.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private const long BoxGrain = 4096;

    public void Ciou(Storage pred, Storage target, Storage ciou, long outer, long inner, float eps)
    {
        float* pp = P(pred), pt = P(target), py = P(ciou);
        CpuParallel.For(Threads, outer * inner, BoxGrain, (s, e) =>
        {
            for (long k = s; k < e; k++)
            {
                long o = k / inner, i = k - o * inner;
                float* a = pp + o * 4 * inner + i;
                float* b = pt + o * 4 * inner + i;
                py[k] = BoxMath.Ciou(a[0], a[inner], a[2 * inner], a[3 * inner], b[0], b[inner], b[2 * inner], b[3 * inner], eps);
            }
        });
    }

    public void CiouBackward(Storage pred, Storage target, Storage dCiou, Storage dPred, long outer, long inner, float eps)
    {
        float* pp = P(pred), pt = P(target), pg = P(dCiou), pd = P(dPred);
        CpuParallel.For(Threads, outer * inner, BoxGrain, (s, e) =>
        {
            for (long k = s; k < e; k++)
            {
                long o = k / inner, i = k - o * inner;
                long at = o * 4 * inner + i;
                float* a = pp + at;
                float* b = pt + at;
                var g = BoxMath.CiouGrad(a[0], a[inner], a[2 * inner], a[3 * inner], b[0], b[inner], b[2 * inner], b[3 * inner], eps, pg[k]);
                float* d = pd + at;
                d[0] = g.X1;
                d[inner] = g.Y1;
                d[2 * inner] = g.X2;
                d[3 * inner] = g.Y2;
            }
        });
    }

    public void BoxIouMatrix(Storage a, Storage b, Storage iou, int n, int m)
    {
        float* pa = P(a), pb = P(b), py = P(iou);
        CpuParallel.For(Threads, n, CpuParallel.GrainFor(16L * m), (s, e) =>
        {
            for (long r = s; r < e; r++)
            {
                float* x = pa + 4 * r;
                for (int c = 0; c < m; c++)
                {
                    float* y = pb + 4 * c;
                    py[r * m + c] = BoxMath.Iou(x[0], x[1], x[2], x[3], y[0], y[1], y[2], y[3]);
                }
            }
        });
    }

    public void AssignerMetrics(Storage scores, Storage predBoxes, Storage anchors, Storage gtBoxes, Storage gtClasses, Storage gtCounts,
                                Storage inside, Storage overlap, Storage metric,
                                int batch, int maxGts, int anchorCount, int classes, float alpha, float beta, float eps)
    {
        float* ps = P(scores), pb = P(predBoxes), pa = P(anchors), pg = P(gtBoxes), po = P(overlap), pm = P(metric);
        int* pc = PI(gtClasses), pn = PI(gtCounts), pin = PI(inside);
        int a = anchorCount;
        CpuParallel.For(Threads, (long)batch * maxGts, CpuParallel.GrainFor(64L * a), (s, e) =>
        {
            for (long row = s; row < e; row++)
            {
                int img = (int)(row / maxGts), g = (int)(row - (long)img * maxGts);
                long at = row * a;
                int cls = pc[row];
                if (g >= pn[img] || (uint)cls >= (uint)classes)
                {
                    new Span<int>(pin + at, a).Clear();
                    new Span<float>(po + at, a).Clear();
                    new Span<float>(pm + at, a).Clear();
                    continue;
                }
                float gx1 = pg[4 * row], gy1 = pg[4 * row + 1], gx2 = pg[4 * row + 2], gy2 = pg[4 * row + 3];
                float* box = pb + (long)img * 4 * a;
                float* score = ps + ((long)img * classes + cls) * a;
                for (int k = 0; k < a; k++)
                {
                    if (!BoxMath.Inside(gx1, gy1, gx2, gy2, pa[k], pa[a + k], eps))
                    {
                        pin[at + k] = 0;
                        po[at + k] = 0f;
                        pm[at + k] = 0f;
                        continue;
                    }
                    float ov = MathF.Max(BoxMath.Ciou(gx1, gy1, gx2, gy2, box[k], box[a + k], box[2 * a + k], box[3 * a + k], BoxMath.CiouEps), 0f);
                    pin[at + k] = 1;
                    po[at + k] = ov;
                    pm[at + k] = BoxMath.AssignerMetric(score[k], ov, alpha, beta);
                }
            }
        });
    }
}
