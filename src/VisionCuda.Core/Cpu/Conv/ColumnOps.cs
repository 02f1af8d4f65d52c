using VisionCuda.Backends;

namespace VisionCuda.Cpu.Conv;

/// <summary>
/// im2col / col2im on a range of output pixels, for one group of one image.
///
/// The column matrix has one row per (c, r, s) of the group (row = (c*R + r)*S + s) and one column per output
/// pixel p in [p0, p1) (p = oh*OW + ow), leading dimension <c>ldcol</c>. Out-of-image taps are zeros.
/// Both walk output rows as segments and compute the in-bounds part of each segment once, so the inner loop
/// is a plain copy (stride 1) or a strided gather, without a bounds test per element.
///
/// Col2ImAdd accumulates; each dx element is only touched by rows of its own channel, in a fixed
/// (r, s, pixel) order, so splitting the channel range across threads does not change any result.
/// </summary>
internal static unsafe class ColumnOps
{
    /// <summary>Output positions t in [0, len) whose input column iwBase + t*stride lies in [0, size).</summary>
    internal static void ValidRange(int iwBase, int stride, int size, int len, out int lo, out int hi)
    {
        lo = iwBase >= 0 ? 0 : (-iwBase + stride - 1) / stride;
        hi = iwBase >= size ? 0 : (size - iwBase + stride - 1) / stride;
        lo = Math.Min(lo, len);
        hi = Math.Clamp(hi, lo, len);
    }

    /// <summary>col[c*R*S + r*S + s, p - p0] for channels c in [c0, c1) of the group at <paramref name="xg"/>; columns [p1-p0, ldcol) are zeroed.</summary>
    public static void Im2Col(in Conv2dGeometry g, float* xg, int c0, int c1, int p0, int p1, float* col, long ldcol)
    {
        int H = g.H, W = g.W, OW = g.OutW, sh = g.StrideH, sw = g.StrideW;
        bool same = IsSameStride1(g);
        for (int c = c0; c < c1; c++)
        {
            float* xc = xg + (long)c * H * W;
            for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++)
            {
                float* d = col + ((long)(c * g.R + r) * g.S + s) * ldcol;
                if (same)
                {
                    Im2ColSameRow(xc, H, W, r - g.PadH, s - g.PadW, p0, p1, d);
                    if (ldcol > p1 - p0) new Span<float>(d + (p1 - p0), (int)(ldcol - (p1 - p0))).Clear();
                    continue;
                }
                int oh = p0 / OW, ow = p0 % OW, remaining = p1 - p0;
                while (remaining > 0)
                {
                    int len = Math.Min(OW - ow, remaining);
                    int ih = oh * sh - g.PadH + r * g.DilationH;
                    if ((uint)ih >= (uint)H)
                    {
                        VecOps.Zero(d, len);
                    }
                    else
                    {
                        int iwBase = ow * sw - g.PadW + s * g.DilationW;
                        ValidRange(iwBase, sw, W, len, out int lo, out int hi);
                        if (lo > 0) VecOps.Zero(d, lo);
                        float* src = xc + (long)ih * W + iwBase;
                        if (sw == 1)
                        {
                            VecOps.Copy(src + lo, d + lo, hi - lo);
                        }
                        else
                        {
                            for (int t = lo; t < hi; t++) d[t] = src[t * sw];
                        }
                        if (hi < len) VecOps.Zero(d + hi, len - hi);
                    }
                    d += len;
                    remaining -= len;
                    ow = 0;
                    oh++;
                }
                if (ldcol > p1 - p0) new Span<float>(d, (int)(ldcol - (p1 - p0))).Clear();
            }
        }
    }

    /// <summary>Stride 1, dilation 1 and an output as large as the input ("same" padding, the 3x3 pad 1 convs).</summary>
    private static bool IsSameStride1(in Conv2dGeometry g)
        => g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1 && g.OutH == g.H && g.OutW == g.W;

    /// <summary>
    /// One column row of a <see cref="IsSameStride1"/> conv: output pixel p = oh*W + ow reads the plane at the flat
    /// index p + dr*W + ds (dr = r - padH, ds = s - padW) when oh + dr and ow + ds are inside the image, else 0. So
    /// the row is one contiguous copy of the shifted plane (instead of a copy per output row, which costs more than
    /// the copying on 10..40-pixel-wide maps), then the |ds| taps per output row that wrapped into the neighbouring
    /// image row are zeroed. d[p - p0] for p in [p0, p1).
    /// </summary>
    private static void Im2ColSameRow(float* xc, int H, int W, int dr, int ds, int p0, int p1, float* d)
    {
        long plane = (long)H * W, shift = (long)dr * W + ds;
        // Pixels whose input row is inside the image, further clipped so that the source index stays in the plane
        // (the clipped pixels are wrapped taps, zero anyway).
        long v0 = Math.Max(p0, Math.Max(-(long)dr * W, -shift));
        long v1 = Math.Min(p1, Math.Min((long)(H - dr) * W, plane - shift));
        if (v1 <= v0)
        {
            VecOps.Zero(d, p1 - p0);
            return;
        }
        if (v0 > p0) VecOps.Zero(d, (int)(v0 - p0));
        VecOps.Copy(xc + v0 + shift, d + (v0 - p0), (int)(v1 - v0));
        if (v1 < p1) VecOps.Zero(d + (v1 - p0), (int)(p1 - v1));
        if (ds == 0) return;
        // Wrapped taps: ow < -ds (ds < 0) or ow >= W - ds (ds > 0), on every output row that meets [v0, v1).
        int zLo = ds < 0 ? 0 : W - ds, zHi = ds < 0 ? -ds : W;
        for (long rowStart = v0 / W * W; rowStart < v1; rowStart += W)
        {
            long a = Math.Max(v0, rowStart + zLo), b = Math.Min(v1, rowStart + zHi);
            for (long p = a; p < b; p++) d[p - p0] = 0f;
        }
    }

    /// <summary>dx[c, ih, iw] += col[...] for channels c in [c0, c1): the adjoint of <see cref="Im2Col"/>.</summary>
    public static void Col2ImAdd(in Conv2dGeometry g, float* dxg, int c0, int c1, int p0, int p1, float* col, long ldcol)
    {
        int H = g.H, W = g.W, OW = g.OutW, sh = g.StrideH, sw = g.StrideW;
        for (int c = c0; c < c1; c++)
        {
            float* xc = dxg + (long)c * H * W;
            for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++)
            {
                float* d = col + ((long)(c * g.R + r) * g.S + s) * ldcol;
                int oh = p0 / OW, ow = p0 % OW, remaining = p1 - p0;
                while (remaining > 0)
                {
                    int len = Math.Min(OW - ow, remaining);
                    int ih = oh * sh - g.PadH + r * g.DilationH;
                    if ((uint)ih < (uint)H)
                    {
                        int iwBase = ow * sw - g.PadW + s * g.DilationW;
                        ValidRange(iwBase, sw, W, len, out int lo, out int hi);
                        float* dst = xc + (long)ih * W + iwBase;
                        if (sw == 1) VecOps.Add(d + lo, dst + lo, hi - lo);
                        else
                            for (int t = lo; t < hi; t++) dst[t * sw] += d[t];
                    }
                    d += len;
                    remaining -= len;
                    ow = 0;
                    oh++;
                }
            }
        }
    }
}
