using VisionCuda.Backends;

namespace VisionCuda;

public static partial class F
{
    public static Tensor MaxPool2d(Tensor x, int kernel, int? stride = null, int padding = 0, bool ceilMode = false)
        => MaxPool2d(x, (kernel, kernel), (stride ?? kernel, stride ?? kernel), (padding, padding), ceilMode);

    public static Tensor MaxPool2d(Tensor x, (int h, int w) kernel, (int h, int w) stride, (int h, int w) padding, bool ceilMode = false)
    {
        var g = PoolGeometry("MaxPool2d", x, kernel, stride, padding, ceilMode, true);
        var be = x.Backend;
        var y = New(be, g.N, g.C, g.OutH, g.OutW);
        var idx = Tensor.Empty(y.Shape, be, DType.Int32);
        be.MaxPool2dForward(g, x.Storage, y.Storage, idx.Storage);
        return Record("MaxPool2d", y, new[] { x }, dy =>
        {
            var dx = NewLike(x);
            be.MaxPool2dBackward(g, dy.Storage, idx.Storage, dx.Storage);
            return new Tensor?[] { dx };
        });
    }

    public static Tensor AvgPool2d(Tensor x, int kernel, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => AvgPool2d(x, (kernel, kernel), (stride ?? kernel, stride ?? kernel), (padding, padding), ceilMode, countIncludePad);

    public static Tensor AvgPool2d(Tensor x, (int h, int w) kernel, (int h, int w) stride, (int h, int w) padding, bool ceilMode = false, bool countIncludePad = true)
    {
        var g = PoolGeometry("AvgPool2d", x, kernel, stride, padding, ceilMode, countIncludePad);
        var be = x.Backend;
        var y = New(be, g.N, g.C, g.OutH, g.OutW);
        be.AvgPool2dForward(g, x.Storage, y.Storage);
        return Record("AvgPool2d", y, new[] { x }, dy =>
        {
            var dx = NewLike(x);
            be.AvgPool2dBackward(g, dy.Storage, dx.Storage);
            return new Tensor?[] { dx };
        });
    }

    /// <summary>Mean over H and W: [N,C,H,W] to [N,C,1,1] (adaptive average pooling to 1x1).</summary>
    public static Tensor GlobalAvgPool2d(Tensor x)
    {
        RequireRank(x, 4, "GlobalAvgPool2d", "input");
        var flat = Reshape(x, x.Shape[0], x.Shape[1], x.Shape[2] * x.Shape[3]);
        return Mean(flat, 2, keepDim: true).Reshape(x.Shape[0], x.Shape[1], 1, 1);
    }

    private static Pool2dGeometry PoolGeometry(string op, Tensor x, (int h, int w) k, (int h, int w) s, (int h, int w) p, bool ceil, bool countIncludePad)
    {
        RequireFloat(x, op);
        RequireRank(x, 4, op, "input");
        var g = new Pool2dGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], k.h, k.w, s.h, s.w, p.h, p.w, ceil, countIncludePad);
        g.Validate();
        return g;
    }
}
