using VisionCuda.Backends;
using static VisionCuda.Ilgpu.Tests.OpHarness;

namespace VisionCuda.Ilgpu.Tests;

/// <summary>
/// Every backend op on small shapes, run on the device named by the derived class and compared with the Cpu
/// backend (and scalar references where the test has one). ILGPU's CPU accelerator is very slow, so every tensor
/// here is tiny.
/// </summary>
public abstract partial class OpSuite
{
    private readonly string _device;

    protected OpSuite(string device)
    {
        IlgpuDevices.EnsureRegistered();
        _device = device;
    }

    /// <summary>The harness for the device under test; skips the test when the device is not on this machine.</summary>
    protected OpHarness H
    {
        get
        {
            var available = Devices.Available();
            Skip.IfNot(available.Contains(_device), $"{_device} is not available here (available: {string.Join(", ", available)})");
            return new OpHarness(Devices.Get(_device));
        }
    }

    [SkippableFact]
    public void FillCopyPermuteAxpy()
    {
        var h = H;
        h.Check("fill", b =>
        {
            var s = b.Allocate(13);
            b.Fill(s, 2.5f);
            return new[] { Get(b, s) };
        }, ElemRtol, ElemAtol, new[] { Enumerable.Repeat(2.5f, 13).ToArray() });

        var si = h.Dev.Allocate(5, DType.Int32);
        h.Dev.Fill(si, 7f);
        Same(new[] { 7, 7, 7, 7, 7 }, GetI(h.Dev, si), "fill int");

        var src = Rand(24, 1);
        var dst = Rand(30, 2);
        // 3 rows of 4 from offset 2 stride 7 into offset 1 stride 9, copy then accumulate.
        foreach (bool acc in new[] { false, true })
        {
            var expect = (float[])dst.Clone();
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 4; c++)
                    expect[1 + r * 9 + c] = acc ? expect[1 + r * 9 + c] + src[2 + r * 7 + c] : src[2 + r * 7 + c];
            h.Check($"copyblocks acc={acc}", b =>
            {
                var s = Put(b, src);
                var d = Put(b, dst);
                b.CopyBlocks(s, 2, 7, d, 1, 9, 3, 4, acc);
                return new[] { Get(b, d) };
            }, ElemRtol, 0, new[] { expect });
        }
        var isrc = PutI(h.Dev, new[] { 1, 2, 3, 4, 5, 6 });
        var idst = PutI(h.Dev, new[] { 10, 20, 30, 40 });
        h.Dev.CopyBlocks(isrc, 1, 3, idst, 0, 2, 2, 2, accumulate: true);
        Same(new[] { 12, 23, 35, 46 }, GetI(h.Dev, idst), "copyblocks int accumulate");

        var x = Rand(2 * 3 * 4 * 5, 3);
        int[] shape = { 2, 3, 4, 5 }, perm = { 2, 0, 3, 1 };
        var px = new float[x.Length];
        int o = 0;
        for (int i2 = 0; i2 < 4; i2++)
            for (int i0 = 0; i0 < 2; i0++)
                for (int i3 = 0; i3 < 5; i3++)
                    for (int i1 = 0; i1 < 3; i1++)
                        px[o++] = x[((i0 * 3 + i1) * 4 + i2) * 5 + i3];
        h.Check("permute", b =>
        {
            var y = b.Allocate(x.Length);
            b.Permute(Put(b, x), shape, perm, y);
            return new[] { Get(b, y) };
        }, 0, 0, new[] { px });

        var ya = Rand(11, 4);
        var yb = Rand(11, 5);
        h.Check("axpy", b =>
        {
            var a = Put(b, ya);
            b.Axpy(a, Put(b, yb), a, 11, -0.75f);
            return new[] { Get(b, a) };
        }, ElemRtol, ElemAtol, new[] { ya.Select((v, i) => v + -0.75f * yb[i]).ToArray() });
    }

    public static IEnumerable<object[]> UnaryCases() =>
        Enum.GetValues<UnaryOp>().Select(op => new object[] { op });

    [SkippableTheory]
    [MemberData(nameof(UnaryCases))]
    public void UnaryForwardBackward(UnaryOp op)
    {
        var h = H;
        bool positive = op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Pow or UnaryOp.Reciprocal;
        var x = positive ? Rand(37, 10, 0.2f, 3f) : Rand(37, 10, -5f, 5f);
        var dy = Rand(37, 11);
        (float a, float b) = op switch
        {
            UnaryOp.LeakyRelu => (0.1f, 0f),
            UnaryOp.Pow => (1.7f, 0f),
            UnaryOp.Clamp => (-1.5f, 2f),
            UnaryOp.Affine => (1.3f, -0.4f),
            _ => (0f, 0f),
        };
        h.Check($"unary {op}", be =>
        {
            var sx = Put(be, x);
            var sy = be.Allocate(37);
            be.Unary(op, sx, sy, 37, a, b);
            var sdx = be.Allocate(37);
            be.UnaryBackward(op, sx, sy, Put(be, dy), sdx, 37, a, b);
            return new[] { Get(be, sy), Get(be, sdx) };
        }, ElemRtol, SaturationAtol);
    }

    /// <summary>
    /// Absolute slack for unary gradients: tanh' = 1 - y^2 and sigmoid' = y(1 - y) near saturation turn a 1-ulp
    /// difference in y (TensorPrimitives vs the kernel's MathF) into an absolute error of about |dy| * 1.2e-7.
    /// </summary>
    private const double SaturationAtol = 5e-7;

    [SkippableFact]
    public void PowSpecialExponents()
    {
        var h = H;
        var x = Rand(9, 12, 0.1f, 2f);
        foreach (float e in new[] { 0f, 0.5f, 1f, 2f, 3f })
        {
            h.Check($"pow {e}", be =>
            {
                var sx = Put(be, x);
                var sy = be.Allocate(9);
                be.Unary(UnaryOp.Pow, sx, sy, 9, e);
                var sdx = be.Allocate(9);
                be.UnaryBackward(UnaryOp.Pow, sx, sy, Put(be, x), sdx, 9, e);
                return new[] { Get(be, sy), Get(be, sdx) };
            }, ElemRtol, ElemAtol);
        }
    }

    public static IEnumerable<object[]> BinaryCases()
    {
        int[][][] shapes =
        {
            new[] { new[] { 3, 4 }, new[] { 3, 4 } },
            new[] { new[] { 3, 4 }, new[] { 1 } },
            new[] { new[] { 1 }, new[] { 2, 3 } },
            new[] { new[] { 2, 3, 1, 4 }, new[] { 3, 5, 1 } },
            new[] { new[] { 2, 1, 3, 1, 2, 1 }, new[] { 1, 2, 1, 3, 1, 2 } },
        };
        foreach (var op in Enum.GetValues<BinaryOp>())
            foreach (var s in shapes)
                yield return new object[] { op, s[0], s[1] };
    }

    [SkippableTheory]
    [MemberData(nameof(BinaryCases))]
    public void BinaryBroadcast(BinaryOp op, int[] aShape, int[] bShape)
    {
        var h = H;
        var plan = BroadcastPlan.Create(aShape, bShape);
        var a = Rand((int)Shapes.Numel(aShape), 20, -2f, 2f);
        var b = Rand((int)Shapes.Numel(bShape), 21, 0.5f, 2f);
        // Scalar reference through the plan's own strides.
        var expect = new float[plan.Count];
        for (long i = 0; i < plan.Count; i++)
        {
            long r = i, oa = 0, ob = 0;
            for (int d = plan.Rank - 1; d >= 0; d--)
            {
                long c = r % plan.OutShape[d];
                r /= plan.OutShape[d];
                oa += c * plan.AStrides[d];
                ob += c * plan.BStrides[d];
            }
            float x = a[oa], y = b[ob];
            expect[i] = op switch
            {
                BinaryOp.Add => x + y,
                BinaryOp.Sub => x - y,
                BinaryOp.Mul => x * y,
                BinaryOp.Div => x / y,
                BinaryOp.Maximum => MathF.Max(x, y),
                _ => MathF.Min(x, y),
            };
        }
        h.Check($"binary {op}", be =>
        {
            var y = be.Allocate(plan.Count);
            be.Binary(op, Put(be, a), Put(be, b), y, plan);
            return new[] { Get(be, y) };
        }, ElemRtol, ElemAtol, new[] { expect });
    }

    [SkippableFact]
    public void DropoutMaskIsBitIdenticalToPhilox()
    {
        var h = H;
        const int n = 41;
        const float p = 0.3f;
        const ulong seed = 1234567, offset = 1000;
        var expect = new float[n];
        for (int i = 0; i < n; i++)
            expect[i] = VisionCuda.Random.Philox.Uniform(seed, offset + (ulong)i) < p ? 0f : 1f / (1f - p);
        var m = h.Dev.Allocate(n);
        h.Dev.DropoutMask(m, n, p, seed, offset);
        var got = Get(h.Dev, m);
        for (int i = 0; i < n; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expect[i]) == BitConverter.SingleToInt32Bits(got[i]), $"mask[{i}] {got[i]} != {expect[i]}");
        var cpu = h.OnCpu(b =>
        {
            var s = b.Allocate(n);
            b.DropoutMask(s, n, p, seed, offset);
            return new[] { Get(b, s) };
        });
        Close(cpu[0], got, 0, 0, "dropout vs cpu");
    }

    [SkippableFact]
    public void OptimizerSteps()
    {
        var h = H;
        const int n = 19;
        var p0 = Rand(n, 30);
        var g = Rand(n, 31);
        var buf0 = Rand(n, 32);
        var v0 = Rand(n, 33, 0f, 1f);
        foreach (var (nesterov, first) in new[] { (false, true), (false, false), (true, false) })
        {
            float lr = 0.1f, mom = 0.9f, wd = 1e-2f;
            var ep = new float[n];
            var eb = new float[n];
            for (int i = 0; i < n; i++)
            {
                float gi = g[i] + wd * p0[i];
                float bi = first ? gi : mom * buf0[i] + gi;
                float st = nesterov ? gi + mom * bi : bi;
                eb[i] = bi;
                ep[i] = p0[i] - lr * st;
            }
            h.Check($"sgd nesterov={nesterov} first={first}", b =>
            {
                var sp = Put(b, p0);
                var sb = Put(b, buf0);
                b.SgdStep(sp, Put(b, g), sb, n, lr, mom, wd, nesterov, first);
                return new[] { Get(b, sp), Get(b, sb) };
            }, ElemRtol, 1e-6, new[] { ep, eb });
        }
        foreach (bool decoupled in new[] { false, true })
        {
            float lr = 1e-2f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.05f;
            int step = 3;
            var ep = new float[n];
            var em = new float[n];
            var ev = new float[n];
            for (int i = 0; i < n; i++)
            {
                double p = p0[i], gi = g[i];
                if (decoupled) p *= 1 - lr * wd;
                else gi += wd * p;
                double m = b1 * (double)buf0[i] + (1 - b1) * gi;
                double v = b2 * (double)v0[i] + (1 - b2) * gi * gi;
                double denom = Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(b2, step)) + eps;
                ep[i] = (float)(p - lr / (1 - Math.Pow(b1, step)) * m / denom);
                em[i] = (float)m;
                ev[i] = (float)v;
            }
            h.Check($"adam decoupled={decoupled}", b =>
            {
                var sp = Put(b, p0);
                var sm = Put(b, buf0);
                var sv = Put(b, v0);
                b.AdamStep(sp, Put(b, g), sm, sv, n, lr, b1, b2, eps, wd, decoupled, step);
                return new[] { Get(b, sp), Get(b, sm), Get(b, sv) };
            }, 1e-5, 1e-6, new[] { ep, em, ev });
        }
        h.Check("ema", b =>
        {
            var se = Put(b, buf0);
            b.EmaUpdate(se, Put(b, p0), n, 0.99f);
            return new[] { Get(b, se) };
        }, ElemRtol, 1e-7, new[] { buf0.Select((e, i) => 0.99f * e + (1 - 0.99f) * p0[i]).ToArray() });
    }
}
