using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using VisionCuda.Backends;
using VisionCuda.Ilgpu.Kernels;

namespace VisionCuda.Ilgpu;

public sealed partial class IlgpuBackend
{
    /// <summary>Device tap tables per (in, out, alignCorners, bilinear), built once and kept for the backend's life.</summary>
    private readonly ConcurrentDictionary<(int, int, bool, bool), (Storage Ints, Storage Floats)> _taps = new();

    public void Upsample(InterpolationMode mode, bool alignCorners, Storage x, Storage y, long planes, int h, int w, int outH, int outW)
    {
        long count = planes * outH * outW;
        if (count == 0) return;
        bool bi = mode == InterpolationMode.Bilinear;
        var (th, lh) = Taps(h, outH, alignCorners, bi);
        var (tw, lw) = Taps(w, outW, alignCorners, bi);
        var args = new ResizeArgs { H = h, W = w, OutH = outH, OutW = outW, Bilinear = bi ? 1 : 0 };
        K("upsample.fwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ResizeArgs>(
            UpsampleKernels.Forward))(Extent(count), F(x), F(y), I(th), F(lh), I(tw), F(lw), args);
    }

    public void UpsampleBackward(InterpolationMode mode, bool alignCorners, Storage dy, Storage dx, long planes, int h, int w, int outH, int outW)
    {
        long count = planes * h * w;
        if (count == 0) return;
        bool bi = mode == InterpolationMode.Bilinear;
        var (th, lh) = Taps(h, outH, alignCorners, bi);
        var (tw, lw) = Taps(w, outW, alignCorners, bi);
        var args = new ResizeArgs { H = h, W = w, OutH = outH, OutW = outW, Bilinear = bi ? 1 : 0 };
        K("upsample.bwd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ResizeArgs>(
            UpsampleKernels.Backward))(Extent(count), F(dy), F(dx), I(th), F(lh), I(tw), F(lw), args);
    }

    private (Storage Ints, Storage Floats) Taps(int inSize, int outSize, bool alignCorners, bool bilinear) =>
        _taps.GetOrAdd((inSize, outSize, alignCorners && bilinear, bilinear), key =>
        {
            var (ints, floats) = BuildTaps(key.Item1, key.Item2, key.Item3, key.Item4);
            var si = Allocate(ints.Length, DType.Int32);
            var sf = Allocate(floats.Length, DType.Float32);
            Upload<int>(ints, si);
            Upload<float>(floats, sf);
            return (si, sf);
        });

    /// <summary>
    /// The tables described on <see cref="UpsampleKernels"/>, with the Cpu backend's (PyTorch's) float formulas:
    /// nearest src = min(floor(dst * in/out), in-1); bilinear src = dst*(in-1)/(out-1) with align_corners, else
    /// max((dst + 0.5)*in/out - 0.5, 0), taps floor(src) and the next (clamped), weights 1-frac and frac.
    /// </summary>
    internal static (int[] Ints, float[] Floats) BuildTaps(int inSize, int outSize, bool alignCorners, bool bilinear)
    {
        var ints = new int[2 * outSize + 2 * inSize];
        var floats = new float[2 * outSize];
        if (!bilinear)
        {
            float scale = (float)inSize / outSize;
            for (int o = 0; o < outSize; o++)
            {
                int t = Math.Min((int)MathF.Floor(o * scale), inSize - 1);
                ints[o] = t;
                ints[outSize + o] = t;
                floats[o] = 1f;
            }
        }
        else
        {
            float scale = alignCorners
                ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f)
                : (float)inSize / outSize;
            for (int o = 0; o < outSize; o++)
            {
                float src = alignCorners ? scale * o : Math.Max(scale * (o + 0.5f) - 0.5f, 0f);
                int a = (int)src;
                ints[o] = a;
                ints[outSize + o] = a + (a < inSize - 1 ? 1 : 0);
                float l1 = src - a;
                floats[outSize + o] = l1;
                floats[o] = 1f - l1;
            }
        }
        // [lo, hi): outputs whose taps touch each input index (contiguous, since taps are monotonic in o).
        int lo = 2 * outSize, hi = 2 * outSize + inSize;
        for (int x = 0; x < inSize; x++)
        {
            ints[lo + x] = int.MaxValue;
            ints[hi + x] = 0;
        }
        for (int o = 0; o < outSize; o++)
        {
            foreach (int x in new[] { ints[o], ints[outSize + o] })
            {
                ints[lo + x] = Math.Min(ints[lo + x], o);
                ints[hi + x] = Math.Max(ints[hi + x], o + 1);
            }
        }
        for (int x = 0; x < inSize; x++)
            if (ints[lo + x] == int.MaxValue) ints[lo + x] = 0;
        return (ints, floats);
    }
}
