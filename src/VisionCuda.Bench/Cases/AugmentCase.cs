using System.Runtime.InteropServices;
using VisionCuda.Backends;
using VisionCuda.Cpu;

namespace VisionCuda.Bench;

/// <summary>
/// IDetectionOps.AugmentBatch on a mosaic-style training batch: <c>batch</c> images of S x S, each warped from its own
/// 2S x 2S canvas by a RandomPerspective-style affine matrix (rotation, scale 0.6..1.4, shear, translation), every
/// fourth one mixed up with another canvas, HSV gains on all, left-right flips on half. Sources are resident (the
/// loader's upload is not timed). Work: 12 bytes of float output per pixel plus about 3 bytes of source per pixel read
/// (the warp's footprint at scale 1), and 3 more for the mixup images.
/// Reference: the Cpu backend's op on a backend of its own (itself checked bit for bit against the OpenCV-exact
/// Warp/HsvAugment oracle in VisionCuda.Vision's tests; this project cannot reference OpenCV); the check is exact.
/// </summary>
public sealed class AugmentCase(int batch, int size, string label = "")
    : KernelCase("augment", $"{batch}x{size}x{size}{(label.Length > 0 ? " " + label : "")}", Bytes(batch, size), WorkUnit.Bytes)
{
    private byte[] _sources = null!;
    private AugmentImage[] _rows = null!;
    private Storage _src = null!, _out = null!;

    private static double Bytes(int batch, int size) => ((double)batch * 15 + (batch + 3) / 4 * 3.0) * size * size;

    protected override void Allocate()
    {
        int c = 2 * size;
        long canvas = 3L * c * c;
        _sources = new byte[batch * canvas];
        new System.Random(11).NextBytes(_sources);
        var rng = new System.Random(3);
        double U(double a, double b) => a + (b - a) * rng.NextDouble();
        var forward = new double[batch][];
        for (int i = 0; i < batch; i++)
        {
            double a = U(-10, 10) * Math.PI / 180, s = U(0.6, 1.4), sh = Math.Tan(U(-2, 2) * Math.PI / 180);
            double m0 = s * Math.Cos(a), m1 = s * Math.Sin(a) + sh, m3 = -s * Math.Sin(a), m4 = s * Math.Cos(a);
            // centre the canvas, rotate/scale/shear, then place its centre near the output's centre
            double tx = U(0.4, 0.6) * size - (m0 * size + m1 * size), ty = U(0.4, 0.6) * size - (m3 * size + m4 * size);
            forward[i] = [m0, m1, tx, m3, m4, ty, 0, 0, 1];
        }
        _rows = new AugmentImage[batch];
        for (int i = 0; i < batch; i++)
        {
            int j = (i + 1) % batch;
            var mix = i % 4 == 3 ? AugmentMath.Source(j * canvas, c, c, forward[j], false) : null;
            _rows[i] = new AugmentImage(AugmentMath.Source(i * canvas, c, c, forward[i], false), mix, U(0.4, 0.6), true,
                (float)U(-0.015, 0.015), (float)U(-0.7, 0.7), (float)U(-0.4, 0.4), false, i % 2 == 0);
        }
        _src = UploadBytes(Backend);
        _out = Alloc((long)batch * 3 * size * size);
    }

    private Storage UploadBytes(IBackend b)
    {
        var s = b.Allocate((_sources.LongLength + 3) / 4, DType.Int32);
        b.Upload<byte>(_sources, s);
        return s;
    }

    public override void Run() => Backend.Detection().AugmentBatch(_src, _rows, _out, size, size);

    public override CheckResult Check()
    {
        Run();
        long n = (long)batch * 3 * size * size;
        var got = Down(_out, n);
        using var cpu = new CpuBackend();
        var src = UploadBytes(cpu);
        var dst = cpu.Allocate(n);
        var expected = new float[n];
        try
        {
            cpu.AugmentBatch(src, _rows, dst, size, size);
            cpu.Download<float>(dst, expected);
        }
        finally
        {
            src.Release();
            dst.Release();
        }
        var a = MemoryMarshal.Cast<float, int>(got.AsSpan());
        var e = MemoryMarshal.Cast<float, int>(expected.AsSpan());
        for (int i = 0; i < a.Length; i++)
            if (a[i] != e[i]) return new CheckResult(false, double.PositiveInfinity, $"augment: element {i}: {got[i] * 255} vs cpu {expected[i] * 255} (exact check)");
        return new CheckResult(true, 0, "augment: bitwise equal to the Cpu op");
    }
}
