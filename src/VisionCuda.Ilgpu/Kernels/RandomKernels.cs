using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>Dropout masks from Philox4x32-10, the stream every backend draws.</summary>
internal static class RandomKernels
{
    /// <summary>mask = 0 where the 24-bit Philox uniform at counter (offset + i) is below p, else scale = 1/(1-p).</summary>
    public static void DropoutMask(Index1D i, ArrayView<float> mask, ulong seed, ulong offset, float p, float scale)
    {
        uint bits = KMath.Philox(seed, offset + (ulong)(int)i);
        float u = (bits >> 8) * (1.0f / 16777216.0f);
        mask[i] = u < p ? 0f : scale;
    }
}
