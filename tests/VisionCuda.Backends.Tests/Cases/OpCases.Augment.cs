using System.Runtime.InteropServices;
using VisionCuda.Backends;

using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

/// <summary>
/// AugmentBatch on the device vs the Cpu backend, bitwise: affine and perspective warps (sample points inside, on the
/// edges and far outside the source), a singular perspective (border only), mixup, HSV, flips, odd output sizes.
/// On the cpu row the Cpu op is checked, bitwise, against the naive per-pixel ReferenceAugment (and against
/// VisionCuda.Vision's OpenCV-backed Warp/HsvAugment in the Vision tests).
/// </summary>
public static partial class OpCases
{
    private static void AddAugment(List<OpCase> list)
    {
        // Forward matrices (3x3 row major), each paired with whether it is used as a perspective warp.
        double[] scaleShift = [0.73, 0, 5.3, 0, 0.73, 11.9, 0, 0, 1];
        double[] rotShear = [1.31, 0.2, -20.1, -0.17, 1.29, 3.7, 0, 0, 1];
        double[] mosaicCrop = [0.9, 0.05, -18.5, -0.04, 0.88, -15.25, 0, 0, 1];   // 2S canvas to S: most of the source falls outside
        double[] farAway = [1, 0, 400, 0, 1, -300, 0, 0, 1];                      // every sample outside: all border
        double[] persp = [1.1, 0.05, -3, -0.04, 0.95, 6, 0.0021, -0.0017, 1];
        double[] identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        double[] singular = [1, 2, 3, 2, 4, 6, 0, 0, 1];

        list.Add(new OpCase("augment(affine)", ["AugmentBatch"], false, t => AugmentCase(t, 31, 23, (s0, s1) =>
        [
            new AugmentImage(AugmentMath.Source(s0.Offset, s0.W, s0.H, scaleShift, false)),
            new AugmentImage(AugmentMath.Source(s1.Offset, s1.W, s1.H, rotShear, false)),
            new AugmentImage(AugmentMath.Source(s1.Offset, s1.W, s1.H, mosaicCrop, false)),
        ])));
        list.Add(new OpCase("augment(perspective, border)", ["AugmentBatch"], false, t => AugmentCase(t, 29, 33, (s0, s1) =>
        [
            new AugmentImage(AugmentMath.Source(s0.Offset, s0.W, s0.H, persp, true)),
            new AugmentImage(AugmentMath.Source(s1.Offset, s1.W, s1.H, farAway, true)),
            new AugmentImage(AugmentMath.Source(s1.Offset, s1.W, s1.H, singular, true)),
            new AugmentImage(AugmentMath.Source(s0.Offset, s0.W, s0.H, identity, true)),
        ])));
        list.Add(new OpCase("augment(mixup, flips)", ["AugmentBatch"], false, t => AugmentCase(t, 37, 19, (s0, s1) =>
        [
            new AugmentImage(AugmentMath.Source(s0.Offset, s0.W, s0.H, scaleShift, false), AugmentMath.Source(s1.Offset, s1.W, s1.H, persp, true),
                MixRatio: 0.4719, FlipLR: true),
            new AugmentImage(AugmentMath.Source(s1.Offset, s1.W, s1.H, rotShear, false), AugmentMath.Source(s0.Offset, s0.W, s0.H, identity, false),
                MixRatio: 0.5, FlipUD: true, FlipLR: true),
            new AugmentImage(AugmentMath.Source(s1.Offset, s1.W, s1.H, identity, false), FlipUD: true),
        ])));
        list.Add(new OpCase("augment(hsv)", ["AugmentBatch"], false, t => AugmentCase(t, 27, 25, (s0, s1) =>
        [
            new AugmentImage(AugmentMath.Source(s0.Offset, s0.W, s0.H, identity, false), Hsv: true, HueGain: 0.0123f, SatGain: -0.61f, ValGain: 0.37f),
            new AugmentImage(AugmentMath.Source(s1.Offset, s1.W, s1.H, rotShear, false), Hsv: true, HueGain: -0.015f, SatGain: 0.7f, ValGain: -0.4f),
            new AugmentImage(AugmentMath.Source(s1.Offset, s1.W, s1.H, persp, true), AugmentMath.Source(s0.Offset, s0.W, s0.H, mosaicCrop, false),
                MixRatio: 0.53, Hsv: true, HueGain: 0.4f, SatGain: 0.9f, ValGain: 0.2f, FlipLR: true),
            new AugmentImage(AugmentMath.Source(s0.Offset, s0.W, s0.H, scaleShift, false), Hsv: true),   // zero gains: the HSV round trip alone
        ])));
    }

    /// <summary>Two noise sources (41x37 and 50x29, with grey and saturated patches so HSV sees every sector and
    /// s = 0), the images built from them, on both backends, compared bit for bit.</summary>
    private static void AugmentCase(OpContext t, int width, int height,
        Func<(long Offset, int W, int H), (long Offset, int W, int H), AugmentImage[]> images)
    {
        var s0 = (Offset: 0L, W: 41, H: 37);
        var s1 = (Offset: 3L * 41 * 37, W: 50, H: 29);
        var bytes = new byte[s1.Offset + 3L * s1.W * s1.H + 3];   // +3: a length that is not a multiple of 4
        var u = t.Uniform(bytes.Length, 0f, 256f);
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Min(255, (int)u[i]);
        for (int p = 0; p < 60; p++)
        {
            bytes[3 * p] = bytes[3 * p + 1] = bytes[3 * p + 2];                   // grey: s = 0
            bytes[3 * (100 + p)] = 255; bytes[3 * (100 + p) + 1] = 0;              // saturated red-ish
        }
        var ints = new int[(bytes.Length + 3) / 4];
        bytes.CopyTo(MemoryMarshal.AsBytes(ints.AsSpan()));
        var src = t.Pair(ints);
        var rows = images(s0, s1);
        var y = t.Out((long)rows.Length * 3 * height * width);
        Det(t.Device).AugmentBatch(src.D, rows, y.D, height, width);
        Det(t.Cpu).AugmentBatch(src.C, rows, y.C, height, width);
        t.Exact(y, $"augment {rows.Length}x{height}x{width}");
        t.Oracle(y.C, () => ReferenceAugment.AugmentBatch(bytes, [.. rows.Select(ToReference)], height, width), "augment", Tolerances.Exact);
    }

    /// <summary>The same image parameters in the reference's own types (it shares nothing with the Core).</summary>
    internal static RefAugmentImage ToReference(AugmentImage im) =>
        new(ToReference(im.Source), im.Mix is null ? null : ToReference(im.Mix), im.MixRatio, im.Hsv, im.HueGain, im.SatGain, im.ValGain,
            im.FlipUD, im.FlipLR);

    private static RefWarp ToReference(WarpSource s) => new(s.Offset, s.Width, s.Height, (RefWarpMode)(int)s.Mode, s.Inverse);
}
