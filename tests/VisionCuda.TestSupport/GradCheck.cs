using VisionCuda.Backends;
using Xunit;

namespace VisionCuda.TestSupport;

/// <summary>
/// Checks autograd gradients against central finite differences. The ops run in float32, so the difference
/// quotient is formed in float64 from float32 evaluations: with step h the rounding noise is about
/// 1e-7 * |L| / h, which is why the default tolerance is relative 2e-2 with an absolute floor of 2e-3
/// (set per test where an op needs more). The scalar objective is L = sum_i w_i * y_i with fixed random weights
/// w, so every output element's gradient path is exercised, not just a sum.
/// </summary>
public static class GradCheck
{
    public sealed record Input(int[] Shape, float[] Data, bool Differentiable = true);

    public static Input Rand(int[] shape, ulong seed, float low = -1f, float high = 1f)
    {
        var data = new float[Shapes.Numel(shape)];
        VisionCuda.Random.Philox.FillUniform(data, seed, 0, low, high);
        return new Input(shape, data);
    }

    /// <summary>Random values whose magnitude is at least <paramref name="minAbs"/>, keeping away from kinks at 0.</summary>
    public static Input RandAwayFromZero(int[] shape, ulong seed, float minAbs = 0.1f)
    {
        var input = Rand(shape, seed);
        for (int i = 0; i < input.Data.Length; i++)
        {
            float v = input.Data[i];
            input.Data[i] = MathF.Sign(v == 0 ? 1 : v) * (minAbs + MathF.Abs(v));
        }
        return input;
    }

    /// <summary>
    /// Distinct values spaced at least 2/n apart (a shuffled ramp over [-1, 1]): for max-type ops, no two values can
    /// swap order within a finite-difference step, so the op is differentiable at every point used.
    /// </summary>
    public static Input DistinctRand(int[] shape, ulong seed)
    {
        int n = (int)Shapes.Numel(shape);
        var keys = new float[n];
        VisionCuda.Random.Philox.FillUniform(keys, seed, 0, 0f, 1f);
        var order = Enumerable.Range(0, n).OrderBy(i => keys[i]).ToArray();
        var data = new float[n];
        for (int rank = 0; rank < n; rank++) data[order[rank]] = -1f + 2f * rank / Math.Max(1, n - 1);
        return new Input(shape, data);
    }

    public static Input Constant(int[] shape, float[] data) => new(shape, data, Differentiable: false);

    public static void Check(Func<Tensor[], Tensor> f, Input[] inputs, IBackend? backend = null,
        double step = 1e-3, double rtol = 2e-2, double atol = 2e-3, string name = "op")
    {
        backend ??= Devices.Get("cpu");
        float[] weights;
        // Analytic gradients.
        var leaves = inputs.Select(i => Tensor.FromArray((float[])i.Data.Clone(), i.Shape, backend, requiresGrad: i.Differentiable)).ToArray();
        var y = f(leaves);
        var yData = y.ToArray();
        weights = new float[yData.Length];
        VisionCuda.Random.Philox.FillUniform(weights, 0xC0FFEE, 0, 0.5f, 1.5f);
        var w = Tensor.FromArray(weights, y.Shape, backend);
        y.Backward(w);
        for (int k = 0; k < inputs.Length; k++)
        {
            if (!inputs[k].Differentiable) continue;
            var analytic = leaves[k].Grad?.ToArray() ?? throw new Xunit.Sdk.XunitException($"{name}: input {k} got no gradient");
            var data = (float[])inputs[k].Data.Clone();
            for (int i = 0; i < data.Length; i++)
            {
                float orig = data[i];
                data[i] = (float)(orig + step);
                double lp = Objective(f, inputs, k, data, weights, backend);
                data[i] = (float)(orig - step);
                double lm = Objective(f, inputs, k, data, weights, backend);
                data[i] = orig;
                double numeric = (lp - lm) / (2 * step);
                double err = Math.Abs(numeric - analytic[i]);
                if (err > atol + rtol * Math.Abs(numeric))
                    throw new Xunit.Sdk.XunitException(
                        $"{name}: d/d input{k}[{i}] analytic {analytic[i]:G6} vs finite difference {numeric:G6} (|err| {err:G3} > {atol} + {rtol}*|fd|)");
            }
        }
    }

    private static double Objective(Func<Tensor[], Tensor> f, Input[] inputs, int which, float[] data, float[] weights, IBackend backend)
    {
        using var noGrad = VisionCuda.Autograd.GradMode.NoGrad();
        using var scope = VisionCuda.Memory.DisposeScope.Enter();
        var ts = inputs.Select((inp, j) => Tensor.FromArray(j == which ? data : inp.Data, inp.Shape, backend)).ToArray();
        var y = f(ts).ToArray();
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)weights[i] * y[i];
        return sum;
    }
}
