using VisionCuda.Backends;

namespace VisionCuda;

public static partial class F
{
    /// <summary>Resizes NCHW to (outH, outW), as torch.nn.functional.interpolate with mode nearest or bilinear.</summary>
    public static Tensor Interpolate(Tensor x, int outH, int outW, InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false)
    {
        RequireFloat(x, "Interpolate");
        RequireRank(x, 4, "Interpolate", "input");
        if (outH <= 0 || outW <= 0) throw new ArgumentException($"Interpolate: output size {outH}x{outW} must be positive");
        if (mode == InterpolationMode.Nearest && alignCorners) throw new ArgumentException("Interpolate: align_corners only applies to bilinear");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        long planes = (long)n * c;
        var be = x.Backend;
        var y = New(be, n, c, outH, outW);
        be.Upsample(mode, alignCorners, x.Storage, y.Storage, planes, h, w, outH, outW);
        return Record("Interpolate", y, new[] { x }, dy =>
        {
            var dx = NewLike(x);
            be.UpsampleBackward(mode, alignCorners, dy.Storage, dx.Storage, planes, h, w, outH, outW);
            return new Tensor?[] { dx };
        });
    }

    /// <summary>Upsamples by an integer factor (nn.Upsample(scale_factor=s)).</summary>
    public static Tensor Upsample(Tensor x, int scale, InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false)
        => Interpolate(x, x.Shape[2] * scale, x.Shape[3] * scale, mode, alignCorners);
}
