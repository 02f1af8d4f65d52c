using VisionCuda.Backends;

namespace VisionCuda.Core.Tests.CpuOps;

public class ElementwiseOpsTests
{
    private const int N = 1037; // not a multiple of 8: exercises vector tails

    private static double Sig(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>The scalar forward formulas, in double.</summary>
    private static double F(UnaryOp op, double x, double a, double b) => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Abs => Math.Abs(x),
        UnaryOp.Relu => Math.Max(x, 0),
        UnaryOp.LeakyRelu => x > 0 ? x : a * x,
        UnaryOp.Silu => x * Sig(x),
        UnaryOp.Sigmoid => Sig(x),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Hardswish => x * Math.Min(Math.Max(x + 3, 0), 6) / 6,
        UnaryOp.Pow => Math.Pow(x, a),
        UnaryOp.Clamp => Math.Min(Math.Max(x, a), b),
        UnaryOp.Affine => x * a + b,
        UnaryOp.Reciprocal => 1.0 / x,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static TheoryData<UnaryOp, float, float, bool> Cases => new()
    {
        { UnaryOp.Neg, 0, 0, false }, { UnaryOp.Exp, 0, 0, false }, { UnaryOp.Log, 0, 0, true },
        { UnaryOp.Sqrt, 0, 0, true }, { UnaryOp.Abs, 0, 0, false }, { UnaryOp.Relu, 0, 0, false },
        { UnaryOp.LeakyRelu, 0.1f, 0, false }, { UnaryOp.Silu, 0, 0, false }, { UnaryOp.Sigmoid, 0, 0, false },
        { UnaryOp.Tanh, 0, 0, false }, { UnaryOp.Hardswish, 0, 0, false }, { UnaryOp.Pow, 2f, 0, false },
        { UnaryOp.Pow, 3f, 0, false }, { UnaryOp.Pow, 0.5f, 0, true }, { UnaryOp.Pow, 1.7f, 0, true },
        { UnaryOp.Pow, -1.5f, 0, true }, { UnaryOp.Clamp, -1f, 2f, false }, { UnaryOp.Affine, 1.5f, -0.25f, false },
        { UnaryOp.Reciprocal, 0, 0, true },
    };

    /// <summary>Inputs in [-5, 5] (or [0.05, 5] for ops that need positive x), away from the kinks so finite differences hold.</summary>
    private static float[] Inputs(UnaryOp op, float a, float b, bool positive, int seed)
    {
        var x = H.Rand(N, seed, positive ? 0.05f : -5f, 5f);
        float[] kinks = op switch
        {
            UnaryOp.Abs or UnaryOp.Relu or UnaryOp.LeakyRelu => [0f],
            UnaryOp.Hardswish => [-3f, 3f],
            UnaryOp.Clamp => [a, b],
            _ => [],
        };
        for (int i = 0; i < N; i++)
            foreach (float k in kinks)
                if (Math.Abs(x[i] - k) < 1e-2f) x[i] = k + 0.05f;
        return x;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Unary_matches_scalar_formula(UnaryOp op, float a, float b, bool positive)
    {
        var x = Inputs(op, a, b, positive, 10);
        var y = H.Empty(N);
        H.Cpu.Unary(op, H.Up(x), y, N, a, b);
        H.Close(x.Select(v => F(op, v, a, b)).ToArray(), H.Down(y, N), H.ElemRel, H.ElemAbs, op.ToString());

        // In place (y aliases x) gives the same values.
        var inPlace = H.Up(x);
        H.Cpu.Unary(op, inPlace, inPlace, N, a, b);
        Assert.Equal(H.Down(y, N), H.Down(inPlace, N));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void UnaryBackward_matches_central_differences(UnaryOp op, float a, float b, bool positive)
    {
        var x = Inputs(op, a, b, positive, 11);
        var dy = H.Rand(N, 12);
        var sx = H.Up(x);
        var y = H.Empty(N);
        H.Cpu.Unary(op, sx, y, N, a, b);
        var dx = H.Empty(N);
        H.Cpu.UnaryBackward(op, sx, y, H.Up(dy), dx, N, a, b);
        const double h = 1e-5;
        var expected = new double[N];
        for (int i = 0; i < N; i++)
            expected[i] = dy[i] * (F(op, x[i] + h, a, b) - F(op, x[i] - h, a, b)) / (2 * h);
        // Derivative values are computed in float from float y; rel 1e-4 covers e.g. 1 - y^2 for tanh near |x| = 5.
        H.Close(expected, H.Down(dx, N), 1e-4, 1e-5, op.ToString());
    }

    [Fact]
    public void UnaryBackward_kinks_follow_pytorch()
    {
        float[] Grad(UnaryOp op, float[] xs, float a = 0, float b = 0)
        {
            var sx = H.Up(xs);
            var y = H.Empty(xs.Length);
            H.Cpu.Unary(op, sx, y, xs.Length, a, b);
            var dx = H.Empty(xs.Length);
            H.Cpu.UnaryBackward(op, sx, y, H.Up(Enumerable.Repeat(1f, xs.Length).ToArray()), dx, xs.Length, a, b);
            return H.Down(dx, xs.Length);
        }
        Assert.Equal(new[] { 0f, 1f, 0f }, Grad(UnaryOp.Relu, [0f, 1f, -1f]));
        Assert.Equal(new[] { 0f, 1f, -1f }, Grad(UnaryOp.Abs, [0f, 2f, -2f]));
        Assert.Equal(new[] { 0f, 1f, 1f, 1f, 0f }, Grad(UnaryOp.Clamp, [-1.5f, -1f, 0.5f, 2f, 2.5f], -1f, 2f));
        Assert.Equal(new[] { 0f, -0.5f, 0.5f, 1.5f, 1f }, Grad(UnaryOp.Hardswish, [-3.5f, -3f, 0f, 3f, 3.5f]));
        Assert.Equal(new[] { 0.2f, 1f }, Grad(UnaryOp.LeakyRelu, [0f, 1f], 0.2f));
        Assert.Equal(new[] { 0f, 0f }, Grad(UnaryOp.Pow, [2f, -3f], 0f));
    }

    [Fact]
    public void Unary_propagates_nan_like_pytorch()
    {
        float[] xs = [float.NaN, 1f];
        foreach (var op in new[] { UnaryOp.Relu, UnaryOp.LeakyRelu, UnaryOp.Clamp, UnaryOp.Hardswish })
        {
            var y = H.Empty(2);
            H.Cpu.Unary(op, H.Up(xs), y, 2, -1f, 1f);
            Assert.True(float.IsNaN(H.Down(y, 2)[0]), op.ToString());
        }
    }

    // ---- binary ---------------------------------------------------------------------------------------------

    private static float Op(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Maximum => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Max(a, b),
        BinaryOp.Minimum => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Min(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Broadcast by explicit index arithmetic (numpy rules), independent of BroadcastPlan.</summary>
    private static float[] Broadcast(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape)
    {
        int rank = Math.Max(aShape.Length, bShape.Length);
        int[] Pad(int[] s) => Enumerable.Repeat(1, rank - s.Length).Concat(s).ToArray();
        var pa = Pad(aShape);
        var pb = Pad(bShape);
        var outShape = pa.Zip(pb, Math.Max).ToArray();
        int n = (int)Shapes.Numel(outShape);
        var sa = Shapes.ContiguousStrides(pa);
        var sb = Shapes.ContiguousStrides(pb);
        var y = new float[n];
        for (int o = 0; o < n; o++)
        {
            int rem = o;
            long ia = 0, ib = 0;
            for (int d = rank - 1; d >= 0; d--)
            {
                int idx = rem % outShape[d];
                rem /= outShape[d];
                if (pa[d] != 1) ia += idx * sa[d];
                if (pb[d] != 1) ib += idx * sb[d];
            }
            y[o] = Op(op, a[ia], b[ib]);
        }
        return y;
    }

    public static TheoryData<int[], int[]> Shapes2 => new()
    {
        { new[] { 3, 5, 7 }, new[] { 3, 5, 7 } },           // same shape
        { new[] { 2, 3, 5, 7 }, new[] { 1 } },               // b scalar
        { new[] { 1 }, new[] { 3, 37 } },                   // a scalar
        { new[] { 2, 5, 7, 9 }, new[] { 5, 1, 1 } },         // bias [C,1,1] over NCHW
        { new[] { 2, 5, 7, 9 }, new[] { 2, 5, 1, 1 } },      // per-(n,c) scale
        { new[] { 3, 1, 5 }, new[] { 1, 4, 1 } },            // both broadcast
        { new[] { 2, 3, 4, 5 }, new[] { 4, 5 } },            // trailing
        { new[] { 2, 1, 4, 1, 3 }, new[] { 2, 3, 1, 5, 1 } },
        { new[] { 5, 1 }, new[] { 5, 7 } },                 // a repeats along the last dim
        { new[] { 300, 301 }, new[] { 301 } },             // row bias, many rows
    };

    [Theory]
    [MemberData(nameof(Shapes2))]
    public void Binary_broadcast_matches_index_loop(int[] aShape, int[] bShape)
    {
        var a = H.Rand((int)Shapes.Numel(aShape), 20);
        var b = H.Rand((int)Shapes.Numel(bShape), 21);
        for (int i = 0; i < b.Length; i++) if (Math.Abs(b[i]) < 0.1f) b[i] = 0.5f; // keep Div well conditioned
        var plan = BroadcastPlan.Create(aShape, bShape);
        foreach (BinaryOp op in Enum.GetValues<BinaryOp>())
        {
            var expected = Broadcast(op, a, aShape, b, bShape);
            var y = H.Empty(plan.Count);
            H.Cpu.Binary(op, H.Up(a), H.Up(b), y, plan);
            H.Close(expected, H.Down(y, plan.Count), H.ElemRel, 0, $"{op} {Shapes.Format(aShape)} {Shapes.Format(bShape)}");
        }
    }

    [Fact]
    public void Binary_large_same_shape_in_place()
    {
        int n = 100_003;
        var a = H.Rand(n, 22);
        var b = H.Rand(n, 23);
        var sa = H.Up(a);
        H.Cpu.Binary(BinaryOp.Mul, sa, H.Up(b), sa, BroadcastPlan.Create([n], [n]));
        Assert.Equal(a.Select((v, i) => v * b[i]).ToArray(), H.Down(sa, n));
    }

    [Fact]
    public void Maximum_propagates_nan()
    {
        var y = H.Empty(3);
        H.Cpu.Binary(BinaryOp.Maximum, H.Up([float.NaN, 1f, 2f]), H.Up([0f, float.NaN, 1f]), y, BroadcastPlan.Create([3], [3]));
        var r = H.Down(y, 3);
        Assert.True(float.IsNaN(r[0]) && float.IsNaN(r[1]));
        Assert.Equal(2f, r[2]);
    }
}
