namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// Scalar math shared by the kernels, written so that every accelerator computes the same formulas as the Cpu
/// backend (same operation order). Only MathF functions that ILGPU maps on every backend are used.
/// </summary>
internal static class KMath
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>
    /// tanh with a series near zero: ILGPU.Algorithms' PTX tanh is built from exp(2x), which loses all relative
    /// precision for small |x| (and measured 1e-6 off at |x| ~ 2 on an H200); below 0.25 the odd Taylor series to
    /// x^11 is exact to float rounding, above it 1 - 2/(exp(2|x|) + 1) has no cancellation.
    /// </summary>
    public static float Tanh(float x)
    {
        float ax = MathF.Abs(x);
        if (ax < 0.25f)
        {
            float x2 = x * x;
            // tanh x = x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835 - 1382x^11/155925
            float p = -1382f / 155925f;
            p = p * x2 + 62f / 2835f;
            p = p * x2 - 17f / 315f;
            p = p * x2 + 2f / 15f;
            p = p * x2 - 1f / 3f;
            return x + x * x2 * p;
        }
        if (ax > 20f) return x > 0f ? 1f : -1f;
        float e = MathF.Exp(2f * ax);
        float t = 1f - 2f / (e + 1f);
        return x < 0f ? -t : t;
    }

    /// <summary>x^a with PyTorch's exact special cases (x*x, copy, sqrt, 1), as the Cpu backend does.</summary>
    public static float Pow(float x, float a)
    {
        if (a == 2f) return x * x;
        if (a == 1f) return x;
        if (a == 0.5f) return MathF.Sqrt(x);
        if (a == 0f) return 1f;
        return MathF.Pow(x, a);
    }

    /// <summary>Max that propagates NaN, like MathF.Max / torch.maximum.</summary>
    public static float Max(float a, float b) => float.IsNaN(a) ? a : float.IsNaN(b) ? b : (a > b ? a : b);

    public static float Min(float a, float b) => float.IsNaN(a) ? a : float.IsNaN(b) ? b : (a < b ? a : b);

    /// <summary>Philox4x32-10, first output word, for counter (lo, 0) and key: bit-identical to VisionCuda.Random.Philox.Next.</summary>
    public static uint Philox(ulong key, ulong counter)
    {
        const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
        uint c0 = (uint)counter, c1 = (uint)(counter >> 32), c2 = 0, c3 = 0;
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            uint n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0; k1 += W1;
        }
        return c0;
    }
}
