using VisionCuda.Backends;

namespace VisionCuda.Cpu.Kernels;

/// <summary>
/// Per-output-row and per-output-column window bounds of a 2-D pooling, clipped to the input ([H0, H1) x [W0, W1)),
/// plus the padded extents PyTorch's avg_pool2d divides by when count_include_pad is set: the window clipped to
/// the padded input, min(start + k, size + pad) - start, which matters in ceil mode.
/// </summary>
internal sealed class PoolWindows
{
    public int OutH { get; private init; }
    public int OutW { get; private init; }
    public required int[] H0 { get; init; }
    public required int[] H1 { get; init; }
    public required int[] W0 { get; init; }
    public required int[] W1 { get; init; }
    public required int[] PadExtentH { get; init; }
    public required int[] PadExtentW { get; init; }
    public bool CountIncludePad { get; private init; }

    public static PoolWindows Create(in Pool2dGeometry g)
    {
        int oh = g.OutH, ow = g.OutW;
        var (h0, h1, eh) = Axis(oh, g.H, g.KernelH, g.StrideH, g.PadH);
        var (w0, w1, ew) = Axis(ow, g.W, g.KernelW, g.StrideW, g.PadW);
        return new PoolWindows
        {
            OutH = oh, OutW = ow, H0 = h0, H1 = h1, W0 = w0, W1 = w1, PadExtentH = eh, PadExtentW = ew,
            CountIncludePad = g.CountIncludePad,
        };
    }

    private static (int[] lo, int[] hi, int[] padExtent) Axis(int outSize, int size, int k, int s, int pad)
    {
        var lo = new int[outSize];
        var hi = new int[outSize];
        var ext = new int[outSize];
        for (int o = 0; o < outSize; o++)
        {
            int start = o * s - pad;
            int end = Math.Min(start + k, size + pad);
            ext[o] = end - start;
            lo[o] = Math.Max(start, 0);
            hi[o] = Math.Min(end, size);
        }
        return (lo, hi, ext);
    }

    /// <summary>
    /// Max of the window [h0, h1) x [w0, w1) of a plane of width <paramref name="w"/>, and its h*W+w index, with
    /// PyTorch's rule (a strictly greater value or any NaN replaces the current max): so the first maximum wins,
    /// and with NaNs present the last NaN wins. Done as a branch-free max scan (MathF.Max propagates NaN) and a
    /// search for the winner, because a compare-and-branch per element mispredicts on real data.
    /// </summary>
    public static unsafe (float value, int index) MaxInWindow(float* plane, int w, int h0, int h1, int w0, int w1)
    {
        float best = float.NegativeInfinity;
        for (int ih = h0; ih < h1; ih++)
        {
            float* row = plane + ih * w;
            for (int iw = w0; iw < w1; iw++) best = MathF.Max(best, row[iw]);
        }
        if (float.IsNaN(best))
        {
            for (int ih = h1 - 1; ih >= h0; ih--)
            {
                float* row = plane + ih * w;
                for (int iw = w1 - 1; iw >= w0; iw--)
                    if (float.IsNaN(row[iw])) return (best, ih * w + iw);
            }
        }
        for (int ih = h0; ih < h1; ih++)
        {
            float* row = plane + ih * w;
            for (int iw = w0; iw < w1; iw++)
                if (row[iw] == best) return (best, ih * w + iw);
        }
        return (best, h0 * w + w0); // all -inf (or empty): the first position, as PyTorch's initial index
    }

    /// <summary>Average-pool divisor of output (oh, ow); 0 for a window entirely in the padding.</summary>
    public int Divisor(int oh, int ow)
    {
        int inside = Math.Max(0, H1[oh] - H0[oh]) * Math.Max(0, W1[ow] - W0[ow]);
        if (inside == 0) return 0;
        return CountIncludePad ? PadExtentH[oh] * PadExtentW[ow] : inside;
    }
}
