namespace VisionCuda;

public static partial class F
{
    public static Tensor Softmax(Tensor x, int dim) => SoftmaxCore(x, dim, log: false);

    public static Tensor LogSoftmax(Tensor x, int dim) => SoftmaxCore(x, dim, log: true);

    private static Tensor SoftmaxCore(Tensor x, int dim, bool log)
    {
        string op = log ? "LogSoftmax" : "Softmax";
        RequireFloat(x, op);
        int d = Shapes.NormalizeDim(dim, x.Rank);
        var (outer, size, inner) = Shapes.AroundDim(x.Shape, d);
        var y = NewLike(x);
        x.Backend.Softmax(x.Storage, y.Storage, outer, size, inner, log);
        return Record(op, y, new[] { x }, g =>
        {
            var dx = NewLike(x);
            x.Backend.SoftmaxBackward(y.Storage, g.Storage, dx.Storage, outer, size, inner, log);
            return new Tensor?[] { dx };
        });
    }
}
