using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>(Log-)softmax over the middle dim of [outer, dim, inner] and its backward: one thread per row, in index
/// order (see ReduceKernels for the determinism note).</summary>
internal static class SoftmaxKernels
{
    /// <summary>Thread = (o, in): max, Kahan sum of exp(x - max), then y = exp(x - max)/sum or x - max - log(sum).</summary>
    public static void Softmax(Index1D t, ArrayView<float> x, ArrayView<float> y, ReduceDims d, int log)
    {
        long o = t / d.Inner, inn = t - o * d.Inner;
        long b = o * d.Dim * d.Inner + inn;
        float m = x[b];
        for (int k = 1; k < d.Dim; k++) m = KMath.Max(m, x[b + k * d.Inner]);
        float sum = 0f, comp = 0f;
        for (int k = 0; k < d.Dim; k++) ReduceKernels.KahanAdd(ref sum, ref comp, MathF.Exp(x[b + k * d.Inner] - m));
        if (log != 0)
        {
            float ls = MathF.Log(sum);
            for (int k = 0; k < d.Dim; k++) y[b + k * d.Inner] = x[b + k * d.Inner] - m - ls;
        }
        else
        {
            for (int k = 0; k < d.Dim; k++) y[b + k * d.Inner] = MathF.Exp(x[b + k * d.Inner] - m) / sum;
        }
    }

    /// <summary>softmax: dx = y * (dy - sum(dy*y)); log-softmax: dx = dy - exp(y) * sum(dy).</summary>
    public static void SoftmaxBackward(Index1D t, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ReduceDims d, int log)
    {
        long o = t / d.Inner, inn = t - o * d.Inner;
        long b = o * d.Dim * d.Inner + inn;
        float sum = 0f, comp = 0f;
        for (int k = 0; k < d.Dim; k++)
        {
            long q = b + k * d.Inner;
            ReduceKernels.KahanAdd(ref sum, ref comp, log != 0 ? dy[q] : dy[q] * y[q]);
        }
        for (int k = 0; k < d.Dim; k++)
        {
            long q = b + k * d.Inner;
            dx[q] = log != 0 ? dy[q] - MathF.Exp(y[q]) * sum : y[q] * (dy[q] - sum);
        }
    }
}
