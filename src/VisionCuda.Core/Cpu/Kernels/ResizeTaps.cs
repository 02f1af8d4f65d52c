namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// Source taps of a 1-D resize, tabulated per output index with PyTorch's formulas (computed in float, as
/// PyTorch's CPU kernels do for float tensors):
/// - nearest: src = min(floor(dst * (in/out)), in - 1);
/// - bilinear: align_corners: src = dst * (in-1)/(out-1); otherwise src = max((dst + 0.5) * in/out - 0.5, 0);
///   taps floor(src) and the next one (clamped), weights 1-frac and frac.
/// </summary>
internal static class ResizeTaps
{
    public static int[] Nearest(int inSize, int outSize)
    {
        var t = new int[outSize];
        float scale = (float)inSize / outSize;
        for (int o = 0; o < outSize; o++) t[o] = Math.Min((int)MathF.Floor(o * scale), inSize - 1);
        return t;
    }

    public sealed record Linear(int[] I0, int[] I1, float[] L0, float[] L1);

    public static Linear Bilinear(int inSize, int outSize, bool alignCorners)
    {
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var l0 = new float[outSize];
        var l1 = new float[outSize];
        float scale = alignCorners
            ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f)
            : (float)inSize / outSize;
        for (int o = 0; o < outSize; o++)
        {
            float src = alignCorners ? scale * o : Math.Max(scale * (o + 0.5f) - 0.5f, 0f);
            int a = (int)src;
            i0[o] = a;
            i1[o] = a + (a < inSize - 1 ? 1 : 0);
            l1[o] = src - a;
            l0[o] = 1f - l1[o];
        }
        return new Linear(i0, i1, l0, l1);
    }
}
