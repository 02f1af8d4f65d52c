using VisionCuda.Backends;

namespace VisionCuda;

public static partial class F
{
    private static Tensor Unary(UnaryOp op, Tensor x, float a = 0f, float b = 0f)
    {
        RequireFloat(x, op.ToString());
        var y = NewLike(x);
        x.Backend.Unary(op, x.Storage, y.Storage, x.Numel, a, b);
        return Record(op.ToString(), y, new[] { x }, g =>
        {
            var dx = NewLike(x);
            x.Backend.UnaryBackward(op, x.Storage, y.Storage, g.Storage, dx.Storage, x.Numel, a, b);
            return new Tensor?[] { dx };
        });
    }

    public static Tensor Neg(Tensor x) => Unary(UnaryOp.Neg, x);
    public static Tensor Exp(Tensor x) => Unary(UnaryOp.Exp, x);
    public static Tensor Log(Tensor x) => Unary(UnaryOp.Log, x);
    public static Tensor Sqrt(Tensor x) => Unary(UnaryOp.Sqrt, x);
    public static Tensor Abs(Tensor x) => Unary(UnaryOp.Abs, x);
    public static Tensor Reciprocal(Tensor x) => Unary(UnaryOp.Reciprocal, x);
    public static Tensor Pow(Tensor x, float exponent) => Unary(UnaryOp.Pow, x, exponent);
    public static Tensor Clamp(Tensor x, float min, float max) => Unary(UnaryOp.Clamp, x, min, max);
    public static Tensor Relu(Tensor x) => Unary(UnaryOp.Relu, x);
    public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.01f) => Unary(UnaryOp.LeakyRelu, x, negativeSlope);
    public static Tensor Silu(Tensor x) => Unary(UnaryOp.Silu, x);
    public static Tensor Sigmoid(Tensor x) => Unary(UnaryOp.Sigmoid, x);
    public static Tensor Tanh(Tensor x) => Unary(UnaryOp.Tanh, x);
    public static Tensor Hardswish(Tensor x) => Unary(UnaryOp.Hardswish, x);

    /// <summary>x * scale + shift in one kernel.</summary>
    public static Tensor Affine(Tensor x, float scale, float shift) => Unary(UnaryOp.Affine, x, scale, shift);
    public static Tensor Add(Tensor x, float s) => Affine(x, 1f, s);
    public static Tensor Sub(Tensor x, float s) => Affine(x, 1f, -s);
    public static Tensor Mul(Tensor x, float s) => Affine(x, s, 0f);
    public static Tensor Div(Tensor x, float s) => Affine(x, 1f / s, 0f);

    public static Tensor Add(Tensor a, Tensor b) => Binary(BinaryOp.Add, a, b);
    public static Tensor Sub(Tensor a, Tensor b) => Binary(BinaryOp.Sub, a, b);
    public static Tensor Mul(Tensor a, Tensor b) => Binary(BinaryOp.Mul, a, b);
    public static Tensor Div(Tensor a, Tensor b) => Binary(BinaryOp.Div, a, b);
    public static Tensor Maximum(Tensor a, Tensor b) => Binary(BinaryOp.Maximum, a, b);
    public static Tensor Minimum(Tensor a, Tensor b) => Binary(BinaryOp.Minimum, a, b);

    private static Tensor Binary(BinaryOp op, Tensor a, Tensor b)
    {
        RequireFloat(a, op.ToString());
        RequireFloat(b, op.ToString());
        RequireSameBackend(op.ToString(), a, b);
        var plan = BroadcastPlan.Create(a.Shape, b.Shape);
        var outShape = BroadcastShape(a.Shape, b.Shape);
        var backend = a.Backend;
        var y = New(backend, outShape);
        backend.Binary(op, a.Storage, b.Storage, y.Storage, plan);
        return Record(op.ToString(), y, new[] { a, b }, g =>
        {
            Tensor? da = null, db = null;
            switch (op)
            {
                case BinaryOp.Add:
                    da = a.RequiresGrad ? SumTo(g, a.Shape) : null;
                    db = b.RequiresGrad ? SumTo(g, b.Shape) : null;
                    break;
                case BinaryOp.Sub:
                    da = a.RequiresGrad ? SumTo(g, a.Shape) : null;
                    db = b.RequiresGrad ? SumTo(Neg(g), b.Shape) : null;
                    break;
                case BinaryOp.Mul:
                    da = a.RequiresGrad ? SumTo(Mul(g, b), a.Shape) : null;
                    db = b.RequiresGrad ? SumTo(Mul(g, a), b.Shape) : null;
                    break;
                case BinaryOp.Div:
                    da = a.RequiresGrad ? SumTo(Div(g, b), a.Shape) : null;
                    // d(a/b)/db = -a/b^2 = -y/b
                    db = b.RequiresGrad ? SumTo(Neg(Div(Mul(g, y), b)), b.Shape) : null;
                    break;
                case BinaryOp.Maximum:
                case BinaryOp.Minimum:
                    {
                        // Gradient goes to the operand that was selected; ties go to a (as a mask a==y).
                        var pickA = SelectMask(a, y, outShape);
                        da = a.RequiresGrad ? SumTo(Mul(g, pickA), a.Shape) : null;
                        db = b.RequiresGrad ? SumTo(Mul(g, Affine(pickA, -1f, 1f)), b.Shape) : null;
                        break;
                    }
            }
            return new[] { da, db };
        });
    }

    /// <summary>1 where a (broadcast) equals y, else 0: which operand Maximum/Minimum picked.</summary>
    private static Tensor SelectMask(Tensor a, Tensor y, int[] outShape)
    {
        // |a - y| is 0 exactly where a was chosen; clamp(1 - |a-y| * big, 0, 1) turns that into a 0/1 mask.
        var diff = Abs(Sub(Expand(a, outShape), y));
        return Clamp(Affine(diff, -float.MaxValue, 1f), 0f, 1f);
    }

    /// <summary>Materialises a broadcast of x to <paramref name="shape"/>.</summary>
    public static Tensor Expand(Tensor x, int[] shape)
    {
        if (Shapes.SameShape(x.Shape, shape)) return x;
        var zeros = Tensor.Zeros(shape, x.Backend);
        return Add(zeros, x);
    }

    public static int[] BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"shapes {Shapes.Format(a)} and {Shapes.Format(b)} do not broadcast");
            shape[i] = Math.Max(da, db);
        }
        return shape;
    }

    /// <summary>Sums a broadcast gradient back down to <paramref name="shape"/> (the backward of broadcasting).</summary>
    public static Tensor SumTo(Tensor g, int[] shape)
    {
        if (Shapes.SameShape(g.Shape, shape)) return g;
        int lead = g.Rank - shape.Length;
        var cur = g;
        // Leading dims that the target lacks are summed away; then dims where the target has 1.
        for (int i = 0; i < lead; i++) cur = Sum(cur, 0, keepDim: false);
        for (int d = 0; d < shape.Length; d++)
            if (shape[d] == 1 && cur.Shape[d] != 1) cur = Sum(cur, d, keepDim: true);
        return Shapes.SameShape(cur.Shape, shape) ? cur : Reshape(cur, shape);
    }
}
