using VisionCuda.Backends;

namespace VisionCuda;

public static partial class F
{
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Conv2d(x, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    /// <summary>2-D convolution over NCHW with weights [K, C/groups, R, S], as torch.nn.functional.conv2d.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, (int h, int w) stride, (int h, int w) padding, (int h, int w) dilation, int groups)
    {
        RequireFloat(x, "Conv2d");
        RequireSameBackend("Conv2d", x, weight, bias);
        RequireRank(x, 4, "Conv2d", "input");
        RequireRank(weight, 4, "Conv2d", "weight");
        var g = new Conv2dGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3],
            weight.Shape[0], weight.Shape[2], weight.Shape[3],
            stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w, groups);
        g.Validate();
        if (weight.Shape[1] != g.CPerGroup)
            throw new ArgumentException($"Conv2d: weight {Shapes.Format(weight.Shape)} expects {weight.Shape[1] * groups} input channels, input has {g.C}");
        if (bias is not null) RequireShape(bias, new[] { g.K }, "Conv2d", "bias");
        var be = x.Backend;
        var y = New(be, g.N, g.K, g.OutH, g.OutW);
        be.Conv2dForward(g, x.Storage, weight.Storage, bias?.Storage, y.Storage);
        return Record("Conv2d", y, new[] { x, weight, bias }, dy =>
        {
            Tensor? dx = null, dw = null, db = null;
            if (x.RequiresGrad)
            {
                dx = NewLike(x);
                be.Conv2dBackwardData(g, dy.Storage, weight.Storage, dx.Storage);
            }
            if (weight.RequiresGrad || (bias?.RequiresGrad ?? false))
            {
                dw = NewLike(weight);
                db = bias is not null ? NewLike(bias) : null;
                be.Conv2dBackwardWeight(g, x.Storage, dy.Storage, dw.Storage, db?.Storage);
            }
            return new[] { dx, weight.RequiresGrad ? dw : null, db };
        });
    }

    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int dilation = 1, int groups = 1)
        => ConvTranspose2d(x, weight, bias, (stride, stride), (padding, padding), (outputPadding, outputPadding), (dilation, dilation), groups);

    /// <summary>
    /// Transposed convolution, weights [C_in, C_out/groups, R, S] as torch.nn.functional.conv_transpose2d.
    /// It is the adjoint of conv2d, so it runs on the conv kernels with input and output swapped: the forward is
    /// conv backward-data, the input gradient is a conv forward, and the weight gradient is conv backward-weight
    /// with (output, input) in the roles of (x, dy).
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias, (int h, int w) stride, (int h, int w) padding,
        (int h, int w) outputPadding, (int h, int w) dilation, int groups)
    {
        RequireFloat(x, "ConvTranspose2d");
        RequireSameBackend("ConvTranspose2d", x, weight, bias);
        RequireRank(x, 4, "ConvTranspose2d", "input");
        RequireRank(weight, 4, "ConvTranspose2d", "weight");
        int n = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        if (weight.Shape[0] != cin) throw new ArgumentException($"ConvTranspose2d: weight {Shapes.Format(weight.Shape)} expects {weight.Shape[0]} input channels, input has {cin}");
        int cout = weight.Shape[1] * groups, r = weight.Shape[2], s = weight.Shape[3];
        if (outputPadding.h >= Math.Max(stride.h, dilation.h) || outputPadding.w >= Math.Max(stride.w, dilation.w))
            throw new ArgumentException("ConvTranspose2d: output_padding must be smaller than stride or dilation");
        int oh = (h - 1) * stride.h - 2 * padding.h + dilation.h * (r - 1) + outputPadding.h + 1;
        int ow = (w - 1) * stride.w - 2 * padding.w + dilation.w * (s - 1) + outputPadding.w + 1;
        // The conv whose backward-data this is: its input is our output, its output is our input.
        var g = new Conv2dGeometry(n, cout, oh, ow, cin, r, s, stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w, groups);
        g.Validate();
        if (g.OutH != h || g.OutW != w) throw new ArgumentException($"ConvTranspose2d: inconsistent geometry for input {Shapes.Format(x.Shape)}");
        if (bias is not null) RequireShape(bias, new[] { cout }, "ConvTranspose2d", "bias");
        var be = x.Backend;
        var y = New(be, n, cout, oh, ow);
        be.Conv2dBackwardData(g, x.Storage, weight.Storage, y.Storage);
        if (bias is not null)
            be.Binary(BinaryOp.Add, y.Storage, bias.Storage, y.Storage, BroadcastPlan.Create(y.Shape, new[] { cout, 1, 1 }));
        return Record("ConvTranspose2d", y, new[] { x, weight, bias }, dy =>
        {
            Tensor? dx = null, dw = null, db = null;
            if (x.RequiresGrad)
            {
                dx = NewLike(x);
                be.Conv2dForward(g, dy.Storage, weight.Storage, null, dx.Storage);
            }
            if (weight.RequiresGrad)
            {
                dw = NewLike(weight);
                be.Conv2dBackwardWeight(g, dy.Storage, x.Storage, dw.Storage, null);
            }
            if (bias is not null && bias.RequiresGrad)
            {
                // Sum over N first ([cout*oh*ow]), then over each channel's plane: two fixed-order reductions.
                var perPosition = New(be, cout, oh * ow);
                be.Reduce(ReduceOp.Sum, dy.Storage, perPosition.Storage, 1, n, (long)cout * oh * ow);
                db = NewLike(bias);
                be.Reduce(ReduceOp.Sum, perPosition.Storage, db.Storage, cout, oh * ow, 1);
            }
            return new[] { dx, dw, db };
        });
    }
}
