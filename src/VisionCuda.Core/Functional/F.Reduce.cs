using VisionCuda.Backends;

namespace VisionCuda;

public static partial class F
{
    /// <summary>Sum of all elements, as a 0-d tensor.</summary>
    public static Tensor Sum(Tensor x) => ReduceAll(ReduceOp.Sum, x);

    public static Tensor Mean(Tensor x) => ReduceAll(ReduceOp.Mean, x);

    public static Tensor Sum(Tensor x, int dim, bool keepDim = false) => ReduceDim(ReduceOp.Sum, x, dim, keepDim).values;

    public static Tensor Mean(Tensor x, int dim, bool keepDim = false) => ReduceDim(ReduceOp.Mean, x, dim, keepDim).values;

    /// <summary>Sum over several dims (applied from the last to the first so that indices stay valid).</summary>
    public static Tensor Sum(Tensor x, int[] dims, bool keepDim = false)
    {
        var cur = x;
        foreach (int d in dims.Select(d => Shapes.NormalizeDim(d, x.Rank)).Distinct().OrderByDescending(d => d))
            cur = Sum(cur, d, keepDim);
        return cur;
    }

    /// <summary>Max over a dim: the values and the Int32 indices of the first maximum.</summary>
    public static (Tensor values, Tensor indices) Max(Tensor x, int dim, bool keepDim = false)
    {
        var (values, indices) = ReduceDim(ReduceOp.Max, x, dim, keepDim);
        return (values, indices!);
    }

    /// <summary>Indices of the maximum along <paramref name="dim"/> (no gradient).</summary>
    public static Tensor ArgMax(Tensor x, int dim, bool keepDim = false)
    {
        var (values, indices) = Max(x, dim, keepDim);
        values.Dispose();
        return indices;
    }

    private static Tensor ReduceAll(ReduceOp op, Tensor x)
    {
        RequireFloat(x, op.ToString());
        var y = New(x.Backend);
        x.Backend.Reduce(op, x.Storage, y.Storage, 1, checked((int)x.Numel), 1);
        return Record(op.ToString(), y, new[] { x }, g =>
        {
            var dx = NewLike(x);
            x.Backend.ReduceBackward(op, g.Storage, dx.Storage, 1, checked((int)x.Numel), 1);
            return new Tensor?[] { dx };
        });
    }

    private static (Tensor values, Tensor? indices) ReduceDim(ReduceOp op, Tensor x, int dim, bool keepDim)
    {
        RequireFloat(x, op.ToString());
        int d = Shapes.NormalizeDim(dim, x.Rank);
        var (outer, size, inner) = Shapes.AroundDim(x.Shape, d);
        var outShape = keepDim
            ? x.Shape.Select((s, i) => i == d ? 1 : s).ToArray()
            : x.Shape.Where((_, i) => i != d).ToArray();
        var y = New(x.Backend, outShape);
        Tensor? idx = op == ReduceOp.Max ? Tensor.Empty(outShape, x.Backend, DType.Int32) : null;
        x.Backend.Reduce(op, x.Storage, y.Storage, outer, size, inner, idx?.Storage);
        Record(op.ToString(), y, new[] { x }, g =>
        {
            var dx = NewLike(x);
            x.Backend.ReduceBackward(op, g.Storage, dx.Storage, outer, size, inner, idx?.Storage);
            return new Tensor?[] { dx };
        });
        return (y, idx);
    }
}
