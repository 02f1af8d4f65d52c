using VisionCuda.NN;

namespace VisionCuda.Models.Yolo;

// Design notes
// - The building blocks of a YOLOv8-style network, with the child names Ultralytics uses (conv/bn/act, cv1/cv2/m),
//   so that a state dict lines up key for key with theirs ("model.2.m.0.cv1.conv.weight").
// - Every block can count its multiply-accumulates analytically for an input of (h, w) (CountMacs), which
//   YoloModel sums for the GFLOPs figure: FLOPs = 2 * conv MACs, the figure Ultralytics prints for a fused model.
// - Conv: Conv2d without bias + BatchNorm2d(eps 1e-3, momentum 0.03) + SiLU, "same" padding k/2.

/// <summary>A block whose conv MACs can be counted for a given input size; returns the output size.</summary>
public interface IMacCounter
{
    /// <summary>Adds this block's conv MACs for an input of <paramref name="h"/> x <paramref name="w"/> and returns the output size.</summary>
    (int H, int W) CountMacs(int h, int w, ref long macs);
}

/// <summary>Conv2d (no bias) + BatchNorm2d(eps 1e-3, momentum 0.03) + SiLU.</summary>
public sealed class YoloConv : Module, IMacCounter
{
    public YoloConv(int c1, int c2, int k = 1, int s = 1, int groups = 1, bool act = true)
    {
        Conv = RegisterModule("conv", new Conv2d(c1, c2, k, s, k / 2, groups: groups, bias: false));
        Bn = RegisterModule("bn", new BatchNorm2d(c2, eps: 1e-3, momentum: 0.03));
        if (act) RegisterModule("act", new SiLU());
        Act = act;
    }

    public Conv2d Conv { get; }

    public BatchNorm2d Bn { get; }

    public bool Act { get; }

    public override string TypeName => "Conv";

    public override Tensor Forward(Tensor input)
    {
        var y = Bn.Forward(Conv.Forward(input));
        return Act ? F.Silu(y) : y;
    }

    public (int H, int W) CountMacs(int h, int w, ref long macs) => CountConv(Conv, h, w, ref macs);

    /// <summary>MACs of a plain Conv2d: out elements * (in/groups * k * k).</summary>
    public static (int H, int W) CountConv(Conv2d c, int h, int w, ref long macs)
    {
        int oh = (h + 2 * c.Padding - c.Dilation * (c.KernelSize - 1) - 1) / c.Stride + 1;
        int ow = (w + 2 * c.Padding - c.Dilation * (c.KernelSize - 1) - 1) / c.Stride + 1;
        macs += (long)c.OutChannels * oh * ow * (c.InChannels / c.Groups) * c.KernelSize * c.KernelSize;
        return (oh, ow);
    }
}

/// <summary>Two 3x3 Convs (hidden width c2*e) with an optional residual when c1 == c2.</summary>
public sealed class Bottleneck : Module, IMacCounter
{
    public Bottleneck(int c1, int c2, bool shortcut = true, int groups = 1, double e = 0.5)
    {
        int hidden = (int)(c2 * e);
        Cv1 = RegisterModule("cv1", new YoloConv(c1, hidden, 3, 1));
        Cv2 = RegisterModule("cv2", new YoloConv(hidden, c2, 3, 1, groups));
        Add = shortcut && c1 == c2;
    }

    public YoloConv Cv1 { get; }

    public YoloConv Cv2 { get; }

    public bool Add { get; }

    public override Tensor Forward(Tensor input)
    {
        var y = Cv2.Forward(Cv1.Forward(input));
        return Add ? F.Add(input, y) : y;
    }

    public (int H, int W) CountMacs(int h, int w, ref long macs)
    {
        var s = Cv1.CountMacs(h, w, ref macs);
        return Cv2.CountMacs(s.H, s.W, ref macs);
    }
}

/// <summary>
/// C2f: a 1x1 Conv to 2c channels, split in halves; n Bottlenecks chained on the second half, every intermediate
/// output kept; all (2 + n) pieces concatenated and mixed by a 1x1 Conv. c = c2 * e.
/// </summary>
public sealed class C2f : Module, IMacCounter
{
    private readonly Bottleneck[] _m;

    public C2f(int c1, int c2, int n = 1, bool shortcut = false, int groups = 1, double e = 0.5)
    {
        Hidden = (int)(c2 * e);
        Cv1 = RegisterModule("cv1", new YoloConv(c1, 2 * Hidden, 1, 1));
        Cv2 = RegisterModule("cv2", new YoloConv((2 + n) * Hidden, c2, 1));
        var m = RegisterModule("m", new Sequential());
        _m = new Bottleneck[n];
        for (int i = 0; i < n; i++)
        {
            _m[i] = new Bottleneck(Hidden, Hidden, shortcut, groups, 1.0);
            m.Append(_m[i]);
        }
    }

    public int Hidden { get; }

    public YoloConv Cv1 { get; }

    public YoloConv Cv2 { get; }

    public override Tensor Forward(Tensor input)
    {
        var parts = new List<Tensor>(2 + _m.Length);
        parts.AddRange(F.Chunk(Cv1.Forward(input), 2, 1));
        foreach (var b in _m) parts.Add(b.Forward(parts[^1]));
        return Cv2.Forward(F.Concat(parts, 1));
    }

    public (int H, int W) CountMacs(int h, int w, ref long macs)
    {
        var s = Cv1.CountMacs(h, w, ref macs);
        foreach (var b in _m) b.CountMacs(s.H, s.W, ref macs);
        return Cv2.CountMacs(s.H, s.W, ref macs);
    }
}

/// <summary>Spatial pyramid pooling, fast: 1x1 Conv to c1/2, three chained k x k stride-1 max pools, concat of all four, 1x1 Conv.</summary>
public sealed class Sppf : Module, IMacCounter
{
    public Sppf(int c1, int c2, int k = 5)
    {
        int hidden = c1 / 2;
        Cv1 = RegisterModule("cv1", new YoloConv(c1, hidden, 1, 1));
        Cv2 = RegisterModule("cv2", new YoloConv(hidden * 4, c2, 1, 1));
        Pool = RegisterModule("m", new MaxPool2d(k, 1, k / 2));
    }

    public YoloConv Cv1 { get; }

    public YoloConv Cv2 { get; }

    public MaxPool2d Pool { get; }

    public override string TypeName => "SPPF";

    public override Tensor Forward(Tensor input)
    {
        var y0 = Cv1.Forward(input);
        var y1 = Pool.Forward(y0);
        var y2 = Pool.Forward(y1);
        var y3 = Pool.Forward(y2);
        return Cv2.Forward(F.Concat(new[] { y0, y1, y2, y3 }, 1));
    }

    public (int H, int W) CountMacs(int h, int w, ref long macs)
    {
        var s = Cv1.CountMacs(h, w, ref macs);
        return Cv2.CountMacs(s.H, s.W, ref macs);
    }
}

/// <summary>Concatenation of several earlier layers' outputs along channels; called through <see cref="Forward(IReadOnlyList{Tensor})"/>.</summary>
public sealed class YoloConcat : Module
{
    public YoloConcat(int dim = 1) => Dim = dim;

    public int Dim { get; }

    public override string TypeName => "Concat";

    public Tensor Forward(IReadOnlyList<Tensor> inputs) => F.Concat(inputs, Dim);

    public override Tensor Forward(Tensor input) => input;
}
