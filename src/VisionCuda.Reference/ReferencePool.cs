namespace VisionCuda.Reference;

/// <summary>
/// Naive scalar pooling and resampling over planes of [planes, H, W] float arrays: the oracle the fast backends
/// are tested against. Written as a direct transcription of PyTorch's definitions (max_pool2d, avg_pool2d,
/// upsample_nearest2d, upsample_bilinear2d), one output element at a time, with no shared code with the kernels.
/// </summary>
public static class ReferencePool
{
    /// <summary>Pooling output size, floor or ceil mode; in ceil mode the last window must start inside the input or left padding.</summary>
    public static int OutSize(int size, int kernel, int stride, int pad, bool ceilMode)
    {
        double span = size + 2 * pad - kernel;
        int o = (int)(ceilMode ? Math.Ceiling(span / stride) : Math.Floor(span / stride)) + 1;
        if (ceilMode && (o - 1) * stride >= size + pad) o--;
        return o;
    }

    /// <summary>Max pooling; padding counts as -inf. Returns values and the h*W+w index of each max in its plane.</summary>
    public static (float[] y, int[] indices) MaxPool2d(float[] x, int planes, int h, int w, int kh, int kw, int sh, int sw,
                                                         int ph, int pw, bool ceilMode)
    {
        int oh = OutSize(h, kh, sh, ph, ceilMode), ow = OutSize(w, kw, sw, pw, ceilMode);
        var y = new float[planes * oh * ow];
        var idx = new int[y.Length];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            float best = float.NegativeInfinity;
            int bestIdx = -1;
            for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++)
            {
                int ih = i * sh - ph + a, iw = j * sw - pw + b;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                float v = x[(p * h + ih) * w + iw];
                if (bestIdx < 0) bestIdx = ih * w + iw;
                if (v > best || float.IsNaN(v))
                {
                    best = v;
                    bestIdx = ih * w + iw;
                }
            }
            y[(p * oh + i) * ow + j] = best;
            idx[(p * oh + i) * ow + j] = bestIdx;
        }
        return (y, idx);
    }

    public static float[] MaxPool2dBackward(float[] dy, int[] indices, int planes, int h, int w, int oh, int ow)
    {
        var dx = new float[planes * h * w];
        for (int p = 0; p < planes; p++)
        for (int k = 0; k < oh * ow; k++)
            dx[p * h * w + indices[p * oh * ow + k]] += dy[p * oh * ow + k];
        return dx;
    }

    /// <summary>
    /// The divisor of one average-pooling window, as PyTorch's avg_pool2d: with countIncludePad the window clipped to
    /// the padded input, otherwise the number of input elements inside it.
    /// </summary>
    private static int Divisor(int i, int j, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, bool countIncludePad)
    {
        int h0 = i * sh - ph, w0 = j * sw - pw;
        int h1 = Math.Min(h0 + kh, h + ph), w1 = Math.Min(w0 + kw, w + pw);
        if (countIncludePad) return (h1 - h0) * (w1 - w0);
        int count = 0;
        for (int a = 0; a < kh; a++)
        for (int b = 0; b < kw; b++)
        {
            int ih = h0 + a, iw = w0 + b;
            if (ih >= 0 && ih < h && iw >= 0 && iw < w) count++;
        }
        return count;
    }

    public static float[] AvgPool2d(float[] x, int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                    bool ceilMode, bool countIncludePad)
    {
        int oh = OutSize(h, kh, sh, ph, ceilMode), ow = OutSize(w, kw, sw, pw, ceilMode);
        var y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double sum = 0;
            int inside = 0;
            for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++)
            {
                int ih = i * sh - ph + a, iw = j * sw - pw + b;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                sum += x[(p * h + ih) * w + iw];
                inside++;
            }
            int div = Divisor(i, j, h, w, kh, kw, sh, sw, ph, pw, countIncludePad);
            y[(p * oh + i) * ow + j] = inside == 0 ? 0f : (float)(sum / div);
        }
        return y;
    }

    public static float[] AvgPool2dBackward(float[] dy, int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                            bool ceilMode, bool countIncludePad)
    {
        int oh = OutSize(h, kh, sh, ph, ceilMode), ow = OutSize(w, kw, sw, pw, ceilMode);
        var dx = new float[planes * h * w];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            int div = Divisor(i, j, h, w, kh, kw, sh, sw, ph, pw, countIncludePad);
            if (div == 0) continue;
            float g = dy[(p * oh + i) * ow + j] / div;
            for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++)
            {
                int ih = i * sh - ph + a, iw = j * sw - pw + b;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                dx[(p * h + ih) * w + iw] += g;
            }
        }
        return dx;
    }

    /// <summary>PyTorch 'nearest': src = min(floor(dst * (in/out)), in - 1), the scale computed in float.</summary>
    public static int NearestSource(int dst, int inSize, int outSize)
    {
        float scale = (float)inSize / outSize;
        return Math.Min((int)MathF.Floor(dst * scale), inSize - 1);
    }

    public static float[] UpsampleNearest(float[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
            y[(p * oh + i) * ow + j] = x[(p * h + NearestSource(i, h, oh)) * w + NearestSource(j, w, ow)];
        return y;
    }

    public static float[] UpsampleNearestBackward(float[] dy, int planes, int h, int w, int oh, int ow)
    {
        var dx = new float[planes * h * w];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
            dx[(p * h + NearestSource(i, h, oh)) * w + NearestSource(j, w, ow)] += dy[(p * oh + i) * ow + j];
        return dx;
    }

    /// <summary>
    /// PyTorch's bilinear source coordinate: align_corners maps the corner pixels onto each other
    /// (scale (in-1)/(out-1)); otherwise pixel centres, src = scale*(dst+0.5)-0.5 clamped at 0, scale in/out.
    /// Returns the two taps and their weights.
    /// </summary>
    public static (int i0, int i1, float l0, float l1) BilinearTaps(int dst, int inSize, int outSize, bool alignCorners)
    {
        float scale = alignCorners
            ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f)
            : (float)inSize / outSize;
        float src = alignCorners ? scale * dst : Math.Max(scale * (dst + 0.5f) - 0.5f, 0f);
        int i0 = (int)src;
        int i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
        float l1 = src - i0;
        return (i0, i1, 1f - l1, l1);
    }

    public static float[] UpsampleBilinear(float[] x, int planes, int h, int w, int oh, int ow, bool alignCorners)
    {
        var y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        {
            var (h0, h1, lh0, lh1) = BilinearTaps(i, h, oh, alignCorners);
            for (int j = 0; j < ow; j++)
            {
                var (w0, w1, lw0, lw1) = BilinearTaps(j, w, ow, alignCorners);
                float v00 = x[(p * h + h0) * w + w0], v01 = x[(p * h + h0) * w + w1];
                float v10 = x[(p * h + h1) * w + w0], v11 = x[(p * h + h1) * w + w1];
                y[(p * oh + i) * ow + j] = lh0 * (lw0 * v00 + lw1 * v01) + lh1 * (lw0 * v10 + lw1 * v11);
            }
        }
        return y;
    }

    public static float[] UpsampleBilinearBackward(float[] dy, int planes, int h, int w, int oh, int ow, bool alignCorners)
    {
        var dx = new float[planes * h * w];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        {
            var (h0, h1, lh0, lh1) = BilinearTaps(i, h, oh, alignCorners);
            for (int j = 0; j < ow; j++)
            {
                var (w0, w1, lw0, lw1) = BilinearTaps(j, w, ow, alignCorners);
                float g = dy[(p * oh + i) * ow + j];
                dx[(p * h + h0) * w + w0] += lh0 * lw0 * g;
                dx[(p * h + h0) * w + w1] += lh0 * lw1 * g;
                dx[(p * h + h1) * w + w0] += lh1 * lw0 * g;
                dx[(p * h + h1) * w + w1] += lh1 * lw1 * g;
            }
        }
        return dx;
    }
}
