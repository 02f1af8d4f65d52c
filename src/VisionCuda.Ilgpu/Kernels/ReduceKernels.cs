using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Reductions over the middle dim of [outer, dim, inner] (softmax and the losses, in SoftmaxKernels and LossKernels, share KahanAdd and ReduceDims). One thread per output element
/// loops over the reduced dim in index order, so the result is the same whatever the launch geometry (conventions.md,
/// Determinism). Long sums are Kahan-compensated in float32 (no float64: OpenCL GPUs often lack it), which keeps
/// them within the Cpu backend's float/double result by a few ulps.
/// </summary>
internal static class ReduceKernels
{
    public static void KahanAdd(ref float sum, ref float comp, float v)
    {
        float y = v - comp;
        float t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }

    /// <summary>Thread = (o, in). op 0 sum, 1 mean, 2 max (first max wins; the first NaN wins over numbers).</summary>
    public static void Reduce(Index1D t, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, ReduceDims d, int op, int writeArgmax)
    {
        long o = t / d.Inner, inn = t - o * d.Inner;
        long baseIdx = o * d.Dim * d.Inner + inn;
        if (op == 2)
        {
            float best = x[baseIdx];
            int bi = 0;
            for (int k = 1; k < d.Dim; k++)
            {
                float v = x[baseIdx + k * d.Inner];
                if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                {
                    best = v;
                    bi = k;
                }
            }
            y[t] = best;
            if (writeArgmax != 0) argmax[t] = bi;
            return;
        }
        float sum = 0f, comp = 0f;
        for (int k = 0; k < d.Dim; k++) KahanAdd(ref sum, ref comp, x[baseIdx + k * d.Inner]);
        y[t] = op == 1 ? sum / d.Dim : sum;
    }

    /// <summary>Thread = dx element (o, k, in): sum/mean broadcast dy; max routes dy to the argmax position.</summary>
    public static void ReduceBackward(Index1D t, ArrayView<float> dy, ArrayView<float> dx, ArrayView<int> argmax, ReduceDims d, int op)
    {
        long plane = (long)d.Dim * d.Inner;
        long o = t / plane, rem = t - o * plane;
        long k = rem / d.Inner, inn = rem - k * d.Inner;
        long j = o * d.Inner + inn;
        float g = dy[j];
        if (op == 2) dx[t] = argmax[j] == k ? g : 0f;
        else if (op == 1) dx[t] = g / d.Dim;
        else dx[t] = g;
    }
}


internal struct ReduceDims
{
    public long Outer;
    public int Dim;
    public long Inner;
}
