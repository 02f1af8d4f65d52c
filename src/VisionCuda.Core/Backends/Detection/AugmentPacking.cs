namespace VisionCuda.Backends;

/// <summary>
/// The flat parameter table that the device implementations of <see cref="IDetectionOps.AugmentBatch"/> upload: per image
/// <see cref="Stride"/> doubles (layout below, mirrored by kernels/augment.cu and the Ilgpu kernel) and 768 bytes of HSV
/// look-up tables (hue, saturation, value). Offsets and sizes are stored as doubles (exact below 2^53); the mixup
/// weights are the floats (float)r and (float)(1 - r), stored exactly as doubles.
/// </summary>
public static class AugmentPacking
{
    public const int Stride = 32, LutBytes = 768;

    // Slot indices inside one image's Stride doubles.
    public const int InvA = 0, InvB = 9, OffA = 18, WidthA = 19, HeightA = 20, ModeA = 21,
        OffB = 22, WidthB = 23, HeightB = 24, ModeB = 25, MixR = 26, MixQ = 27, Flags = 28;

    /// <summary>Bits of the <see cref="Flags"/> slot.</summary>
    public const int FlagHsv = 1, FlagFlipUD = 2, FlagFlipLR = 4;

    /// <summary>ModeB when the image has no mixup partner.</summary>
    public const int NoMix = -1;

    public static (double[] Table, byte[] Luts) Pack(IReadOnlyList<AugmentImage> images, long sourceBytes)
    {
        var table = new double[images.Count * Stride];
        var luts = new byte[Math.Max(1, images.Count * LutBytes)];
        for (int i = 0; i < images.Count; i++)
        {
            var im = images[i];
            var t = table.AsSpan(i * Stride, Stride);
            Put(t, InvA, im.Source, sourceBytes);
            if (im.Mix != null) Put(t, InvB, im.Mix, sourceBytes);
            else t[ModeB] = NoMix;
            t[MixR] = (float)im.MixRatio;
            t[MixQ] = (float)(1 - im.MixRatio);
            t[Flags] = (im.Hsv ? FlagHsv : 0) | (im.FlipUD ? FlagFlipUD : 0) | (im.FlipLR ? FlagFlipLR : 0);
            if (!im.Hsv) continue;
            var (hue, sat, val) = AugmentMath.HsvTables(im.HueGain, im.SatGain, im.ValGain);
            hue.CopyTo(luts, i * LutBytes);
            sat.CopyTo(luts, i * LutBytes + 256);
            val.CopyTo(luts, i * LutBytes + 512);
        }
        return (table, luts);
    }

    private static void Put(Span<double> t, int inv, WarpSource s, long sourceBytes)
    {
        if (s.Offset < 0 || s.Width <= 0 || s.Height <= 0 || s.Offset + s.Bytes > sourceBytes)
            throw new ArgumentException($"augment source at byte {s.Offset} ({s.Width}x{s.Height} RGB) is outside the sources ({sourceBytes} bytes)");
        int n = s.Mode == WarpMode.Affine ? 6 : 9;
        if (s.Inverse.Length < n) throw new ArgumentException("augment source matrix is too short for its mode");
        s.Inverse.AsSpan(0, n).CopyTo(t.Slice(inv));
        int off = inv == InvA ? OffA : OffB;
        t[off] = s.Offset;
        t[off + 1] = s.Width;
        t[off + 2] = s.Height;
        t[off + 3] = (int)s.Mode;
    }
}
