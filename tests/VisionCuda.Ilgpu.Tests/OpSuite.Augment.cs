using System.Runtime.InteropServices;
using VisionCuda.Backends;
using static VisionCuda.Ilgpu.Tests.OpHarness;

namespace VisionCuda.Ilgpu.Tests;

public abstract partial class OpSuite
{
    /// <summary>AugmentBatch, bit for bit against the Cpu backend, on tiny images: affine and perspective warps with
    /// sample points outside the source, a singular perspective, mixup, HSV and both flips.</summary>
    [SkippableFact]
    public void AugmentBatchMatchesCpuBitwise()
    {
        var h = H;
        const int w0 = 13, h0 = 11, w1 = 9, h1 = 14, outW = 10, outH = 7;
        var u = Rand(3 * (w0 * h0 + w1 * h1), 120, 0f, 256f);
        var bytes = u.Select(v => (byte)Math.Min(255, (int)v)).ToArray();
        for (int p = 0; p < 8; p++) bytes[3 * p] = bytes[3 * p + 1] = bytes[3 * p + 2];   // grey pixels: s = 0 in HSV
        var ints = new int[(bytes.Length + 3) / 4];
        bytes.CopyTo(MemoryMarshal.AsBytes(ints.AsSpan()));
        long off1 = 3L * w0 * h0;
        WarpSource A(double[] m, bool p) => AugmentMath.Source(0, w0, h0, m, p);
        WarpSource B(double[] m, bool p) => AugmentMath.Source(off1, w1, h1, m, p);
        double[] affine = [0.81, 0.13, 1.7, -0.2, 0.77, 2.25, 0, 0, 1];
        double[] persp = [1.1, 0.05, -3, -0.04, 0.95, 1, 0.011, -0.017, 1];
        double[] outside = [1, 0, -4.5, 0, 1, 3.3, 0, 0, 1];
        double[] singular = [1, 2, 3, 2, 4, 6, 0, 0, 1];
        AugmentImage[] rows =
        [
            new(A(affine, false)),
            new(B(persp, true), FlipLR: true),
            new(A(outside, false), B(affine, false), MixRatio: 0.47, FlipUD: true),
            new(B(outside, true), A(persp, true), MixRatio: 0.61, Hsv: true, HueGain: 0.013f, SatGain: -0.6f, ValGain: 0.35f, FlipLR: true, FlipUD: true),
            new(A(singular, true), Hsv: true, HueGain: -0.4f, SatGain: 0.8f, ValGain: -0.2f),
        ];
        h.Check("augment_batch", b =>
        {
            var src = PutI(b, ints);
            var y = b.Allocate((long)rows.Length * 3 * outH * outW);
            b.Detection().AugmentBatch(src, rows, y, outH, outW);
            return new[] { Get(b, y) };
        }, 0, 0);
    }
}
