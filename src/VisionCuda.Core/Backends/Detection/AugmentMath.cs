namespace VisionCuda.Backends;

/// <summary>
/// The host-side arithmetic shared by every implementation of <see cref="IDetectionOps.AugmentBatch"/> and by the
/// OpenCV-exact Cpu oracle in VisionCuda.Vision (Warp, HsvAugment), so both compute these numbers once, the same way:
/// OpenCV's affine inverse, a 3x3 inverse, cvRound, and Ultralytics' HSV look-up tables.
/// </summary>
public static class AugmentMath
{
    /// <summary>Inverse of a 2x3 affine matrix exactly as OpenCV's invertAffineTransform (a singular matrix gives
    /// zeros, as in OpenCV). Returns 6 values.</summary>
    public static double[] InvertAffine(ReadOnlySpan<double> m)
    {
        double det = m[0] * m[4] - m[1] * m[3];
        det = det != 0 ? 1.0 / det : 0;
        double i0 = m[4] * det, i1 = -m[1] * det, i3 = -m[3] * det, i4 = m[0] * det;
        double i2 = -i0 * m[2] - i1 * m[5], i5 = -i3 * m[2] - i4 * m[5];
        return [i0, i1, i2, i3, i4, i5];
    }

    /// <summary>Inverse of a row-major 3x3 matrix; false when singular.</summary>
    public static bool Invert3x3(ReadOnlySpan<double> m, Span<double> inv)
    {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
        double det = a * A + b * B + c * C;
        if (det == 0 || !double.IsFinite(det)) return false;
        double r = 1.0 / det;
        inv[0] = A * r; inv[1] = -(b * i - c * h) * r; inv[2] = (b * f - c * e) * r;
        inv[3] = B * r; inv[4] = (a * i - c * g) * r; inv[5] = -(a * f - c * d) * r;
        inv[6] = C * r; inv[7] = -(a * h - b * g) * r; inv[8] = (a * e - b * d) * r;
        return true;
    }

    /// <summary>The <see cref="WarpSource"/> for a forward matrix <paramref name="m"/> (3x3 row major; only the first six
    /// values are used when not <paramref name="perspective"/>), as OpenCV's warpAffine / warpPerspective invert it.</summary>
    public static WarpSource Source(long offset, int width, int height, ReadOnlySpan<double> m, bool perspective)
    {
        if (!perspective) return new WarpSource(offset, width, height, WarpMode.Affine, InvertAffine(m));
        var inv = new double[9];
        return Invert3x3(m, inv)
            ? new WarpSource(offset, width, height, WarpMode.Perspective, inv)
            : new WarpSource(offset, width, height, WarpMode.Border, inv);
    }

    /// <summary>cvRound: nearest, ties to even, saturated to int.</summary>
    public static int RoundToInt(double v)
    {
        double r = Math.Round(v, MidpointRounding.ToEven);
        return r >= int.MaxValue ? int.MaxValue : r <= int.MinValue ? int.MinValue : (int)r;
    }

    /// <summary>Ultralytics' RandomHSV look-up tables for gains r: hue (x + r_h*180) mod 180, saturation and value
    /// x*(1 + r) clipped to [0, 255], all truncated to bytes; sat[0] = 0.</summary>
    public static (byte[] Hue, byte[] Sat, byte[] Val) HsvTables(float rh, float rs, float rv)
    {
        var hue = new byte[256];
        var sat = new byte[256];
        var val = new byte[256];
        for (int x = 0; x < 256; x++)
        {
            double h = (x + (double)rh * 180) % 180;
            if (h < 0) h += 180;
            hue[x] = (byte)(int)h;
            sat[x] = (byte)(int)Math.Clamp(x * (rs + 1.0), 0, 255);
            val[x] = (byte)(int)Math.Clamp(x * (rv + 1.0), 0, 255);
        }
        sat[0] = 0;
        return (hue, sat, val);
    }
}
