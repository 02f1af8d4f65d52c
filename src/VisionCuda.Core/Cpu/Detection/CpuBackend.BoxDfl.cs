using System.Numerics.Tensors;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// DFL decode and loss over logits [outer, bins, inner]. One work item per outer slice (in YOLOv8: one box side of one
/// image), vectorised along inner with TensorPrimitives over the contiguous bin rows: a max pass, then an exp pass
/// that accumulates sum(e) (and sum(k e) for the decode) in per-thread scratch rows and keeps every e_k row, so the
/// backwards reuse them instead of a second exp pass. The loss then gathers the two target bins per position in a
/// scalar loop. Log-softmax terms are formed as x - max - log(sum), as the softmax
/// kernel does, so the fused loss agrees with CrossEntropy to float rounding.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>
    /// Per-chunk scratch of the DFL kernels: three rows of <c>inner</c> floats and the e_k rows [bins, inner], rented
    /// from the shared pool (the e rows are over the large-object threshold at YOLOv8 sizes, and a fresh one per chunk
    /// cost more in GC than the kernel itself).
    /// </summary>
    private sealed class DflScratch : IDisposable
    {
        private readonly float[] _rows, _e;
        private readonly int _n;

        public DflScratch(int bins, int inner)
        {
            _n = inner;
            _rows = System.Buffers.ArrayPool<float>.Shared.Rent(3 * inner);
            _e = System.Buffers.ArrayPool<float>.Shared.Rent(bins * inner);
        }

        public Span<float> Max => _rows.AsSpan(0, _n);

        public Span<float> Sum => _rows.AsSpan(_n, _n);

        public Span<float> KSum => _rows.AsSpan(2 * _n, _n);

        public Span<float> ERow(int k, int n) => _e.AsSpan(k * n, n);

        public void Dispose()
        {
            System.Buffers.ArrayPool<float>.Shared.Return(_rows);
            System.Buffers.ArrayPool<float>.Shared.Return(_e);
        }
    }

    /// <summary>Max over the bins, e_k = exp(x_k - max) for every bin (kept), sum of e_k and, when <paramref name="withK"/>, sum of k e_k.</summary>
    private static void DflSums(float* x, int bins, int n, DflScratch s, bool withK)
    {
        var max = s.Max;
        var sum = s.Sum;
        var ksum = s.KSum;
        new ReadOnlySpan<float>(x, n).CopyTo(max);
        for (int k = 1; k < bins; k++) TensorPrimitives.Max(max, new ReadOnlySpan<float>(x + (long)k * n, n), max);
        sum.Clear();
        ksum.Clear();
        for (int k = 0; k < bins; k++)
        {
            var e = s.ERow(k, n);
            TensorPrimitives.Subtract(new ReadOnlySpan<float>(x + (long)k * n, n), max, e);
            TensorPrimitives.Exp(e, e);
            TensorPrimitives.Add(sum, e, sum);
            if (withK && k > 0) TensorPrimitives.MultiplyAdd(e, (float)k, ksum, ksum);
        }
    }

    public void DflDecode(Storage logits, Storage dist, long outer, int bins, long inner)
    {
        float* px = P(logits), pd = P(dist);
        int n = checked((int)inner);
        CpuParallel.For(Threads, outer, CpuParallel.GrainFor(4L * bins * inner), (s, e) =>
        {
            using var sc = new DflScratch(bins, n);
            for (long o = s; o < e; o++)
            {
                DflSums(px + o * bins * n, bins, n, sc, withK: true);
                TensorPrimitives.Divide(sc.KSum, sc.Sum, new Span<float>(pd + o * n, n));
            }
        });
    }

    public void DflDecodeBackward(Storage logits, Storage dDist, Storage dLogits, long outer, int bins, long inner)
    {
        float* px = P(logits), pg = P(dDist), pdx = P(dLogits);
        int n = checked((int)inner);
        CpuParallel.For(Threads, outer, CpuParallel.GrainFor(6L * bins * inner), (s, e) =>
        {
            using var sc = new DflScratch(bins, n);
            for (long o = s; o < e; o++)
            {
                float* x = px + o * bins * n;
                DflSums(x, bins, n, sc, withK: true);
                var sum = sc.Sum;
                var dist = sc.KSum;
                TensorPrimitives.Divide(dist, sum, dist);
                var coef = sum;                                  // dDist / sum, reusing the sum row
                TensorPrimitives.Divide(new ReadOnlySpan<float>(pg + o * n, n), sum, coef);
                for (int k = 0; k < bins; k++)
                {
                    var dx = new Span<float>(pdx + (o * bins + k) * n, n);
                    var ev = sc.ERow(k, n);
                    TensorPrimitives.Multiply(ev, coef, ev);         // dDist * p_k
                    TensorPrimitives.Subtract((float)k, dist, dx);   // k - dist
                    TensorPrimitives.Multiply(dx, ev, dx);
                }
            }
        });
    }

    public void DflLoss(Storage logits, Storage target, Storage weight, Storage loss, long outer, int bins, long inner)
    {
        float* px = P(logits), pt = P(target), pw = P(weight), pl = P(loss);
        int n = checked((int)inner);
        CpuParallel.For(Threads, outer, CpuParallel.GrainFor(4L * bins * inner), (s, e) =>
        {
            using var sc = new DflScratch(bins, n);
            for (long o = s; o < e; o++)
            {
                float* x = px + o * bins * n;
                DflSums(x, bins, n, sc, withK: false);
                var maxRow = sc.Max;
                var sumRow = sc.Sum;
                for (int i = 0; i < n; i++)
                {
                    long at = o * n + i;
                    float w = pw[at];
                    if (w == 0f)
                    {
                        pl[at] = 0f;
                        continue;
                    }
                    int l = BoxMath.DflBins(pt[at], bins, out float wl, out float wr);
                    float m = maxRow[i], ls = MathF.Log(sumRow[i]);
                    float ceL = -(x[(long)l * n + i] - m - ls), ceR = -(x[(long)(l + 1) * n + i] - m - ls);
                    pl[at] = w * (ceL * wl + ceR * wr);
                }
            }
        });
    }

    public void DflLossBackward(Storage logits, Storage target, Storage weight, Storage dLoss, Storage dLogits, long outer, int bins, long inner)
    {
        float* px = P(logits), pt = P(target), pw = P(weight), pg = P(dLoss), pdx = P(dLogits);
        int n = checked((int)inner);
        CpuParallel.For(Threads, outer, CpuParallel.GrainFor(6L * bins * inner), (s, e) =>
        {
            using var sc = new DflScratch(bins, n);
            for (long o = s; o < e; o++)
            {
                float* x = px + o * bins * n;
                float* dx0 = pdx + o * bins * n;
                DflSums(x, bins, n, sc, withK: false);
                var coef = sc.KSum;
                var cs = sc.Max;                    // the max row is no longer needed
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(pg + o * n, n), new ReadOnlySpan<float>(pw + o * n, n), coef);
                TensorPrimitives.Divide(coef, sc.Sum, cs);   // dLoss * w / sum
                for (int k = 0; k < bins; k++)
                    TensorPrimitives.Multiply(sc.ERow(k, n), cs, new Span<float>(dx0 + (long)k * n, n));   // dLoss * w * p_k
                for (int i = 0; i < n; i++)
                {
                    float c = coef[i];
                    if (pw[o * n + i] == 0f)
                    {
                        for (int k = 0; k < bins; k++) dx0[(long)k * n + i] = 0f;
                        continue;
                    }
                    int l = BoxMath.DflBins(pt[o * n + i], bins, out float wl, out float wr);
                    dx0[(long)l * n + i] -= c * wl;
                    dx0[(long)(l + 1) * n + i] -= c * wr;
                }
            }
        });
    }
}
