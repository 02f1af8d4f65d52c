using VisionCuda.Autograd;
using VisionCuda.NN;

namespace VisionCuda.Models.Yolo;

// Design notes
// - Anchor-free decoupled head, one pair of branches per level (strides 8/16/32 for the standard models):
//   box: Conv3x3(c2) -> Conv3x3(c2) -> Conv2d 1x1 (4*reg_max, with bias), names cv2.i.0/1/2;
//   cls: Conv3x3(c3) -> Conv3x3(c3) -> Conv2d 1x1 (nc, with bias),          names cv3.i.0/1/2;
//   c2 = max(16, ch0/4, 4*reg_max), c3 = max(ch0, min(nc, 100)).
// - Level output = concat(box, cls) on channels: [B, 4*reg_max + nc, H, W] (box channels side-major: l, t, r, b,
//   each reg_max bins).
// - Bias init as Ultralytics: box bias 1.0; class bias log(5 / nc / (640 / stride)^2) (about 5 objects per 640 image).
// - dfl.conv.weight is the 1x1 projection 0..reg_max-1 of the DFL decode, a parameter that does not require grad
//   (as in Ultralytics, so the parameter count matches theirs: 3,157,200 for yolov8n); the decode uses it.

/// <summary>Distribution focal loss projection: holds the bins 0..reg_max-1 as a frozen 1x1 conv weight.</summary>
public sealed class Dfl : Module
{
    public Dfl(int regMax = 16)
    {
        RegMax = regMax;
        Conv = RegisterModule("conv", new Conv2d(regMax, 1, 1, bias: false));
        using (GradMode.NoGrad())
            Conv.Weight.CopyFrom(Tensor.FromArray(Enumerable.Range(0, regMax).Select(i => (float)i).ToArray(), new[] { 1, regMax, 1, 1 }));
        Conv.Weight.RequiresGrad = false;
    }

    public int RegMax { get; }

    public Conv2d Conv { get; }

    public override string TypeName => "DFL";

    /// <summary>The bins as [1, 1, reg_max, 1] for broadcasting against [B, 4, reg_max, A].</summary>
    public Tensor Projection => F.Reshape(Conv.Weight.Detach(), 1, 1, RegMax, 1);

    /// <summary>Box logits [B, 4*reg_max, A] -> expected distances [B, 4, A] (softmax over bins, dot with 0..reg_max-1).</summary>
    public Tensor Forward(Tensor boxLogits, int anchors)
    {
        int b = boxLogits.Shape[0];
        var p = F.Softmax(F.Reshape(boxLogits, b, 4, RegMax, anchors), 2);
        return F.Sum(F.Mul(p, Projection), 2);
    }

    public override Tensor Forward(Tensor input) => Forward(input, input.Shape[2]);
}

/// <summary>The Detect head (see the design notes at the top of the file).</summary>
public sealed class DetectHead : Module
{
    private readonly Sequential[] _box;
    private readonly Sequential[] _cls;

    public DetectHead(int nc, IReadOnlyList<int> channels, IReadOnlyList<int> strides, int regMax = 16)
    {
        if (channels.Count != strides.Count || channels.Count == 0)
            throw new ArgumentException($"Detect: {channels.Count} input levels but {strides.Count} strides");
        Nc = nc;
        RegMax = regMax;
        Strides = strides.ToArray();
        int c2 = Math.Max(Math.Max(16, channels[0] / 4), regMax * 4);
        int c3 = Math.Max(channels[0], Math.Min(nc, 100));
        var cv2 = RegisterModule("cv2", new Sequential());
        var cv3 = RegisterModule("cv3", new Sequential());
        _box = new Sequential[channels.Count];
        _cls = new Sequential[channels.Count];
        for (int i = 0; i < channels.Count; i++)
        {
            var boxOut = new Conv2d(c2, 4 * regMax, 1);
            var clsOut = new Conv2d(c3, nc, 1);
            using (GradMode.NoGrad())
            {
                boxOut.Bias!.CopyFrom(Tensor.Full(new[] { 4 * regMax }, 1f));
                float prior = (float)Math.Log(5.0 / nc / Math.Pow(640.0 / Strides[i], 2));
                clsOut.Bias!.CopyFrom(Tensor.Full(new[] { nc }, prior));
            }
            _box[i] = new Sequential(new YoloConv(channels[i], c2, 3), new YoloConv(c2, c2, 3), boxOut);
            _cls[i] = new Sequential(new YoloConv(channels[i], c3, 3), new YoloConv(c3, c3, 3), clsOut);
            cv2.Append(_box[i]);
            cv3.Append(_cls[i]);
        }
        Dfl = RegisterModule("dfl", new Dfl(regMax));
    }

    public int Nc { get; }

    public int RegMax { get; }

    /// <summary>Outputs per anchor: 4*reg_max box logits then nc class logits.</summary>
    public int No => 4 * RegMax + Nc;

    public int[] Strides { get; }

    public int Levels => Strides.Length;

    public Dfl Dfl { get; }

    public override string TypeName => "Detect";

    /// <summary>Raw level outputs [B, 4*reg_max + nc, H_i, W_i].</summary>
    public IReadOnlyList<Tensor> Forward(IReadOnlyList<Tensor> features)
    {
        if (features.Count != Levels) throw new ArgumentException($"Detect: expected {Levels} feature maps, got {features.Count}");
        var outs = new Tensor[Levels];
        for (int i = 0; i < Levels; i++)
            outs[i] = F.Concat(new[] { _box[i].Forward(features[i]), _cls[i].Forward(features[i]) }, 1);
        return outs;
    }

    public override Tensor Forward(Tensor input) => throw new NotSupportedException("Detect takes one feature map per level: use Forward(IReadOnlyList<Tensor>)");

    /// <summary>Adds the MACs of both branches on every level.</summary>
    public void CountMacs(IReadOnlyList<(int H, int W)> sizes, ref long macs)
    {
        for (int i = 0; i < Levels; i++)
        {
            foreach (var branch in new[] { _box[i], _cls[i] })
            {
                var (h, w) = sizes[i];
                foreach (var m in branch.Children())
                    (h, w) = m is IMacCounter c ? c.CountMacs(h, w, ref macs) : YoloConv.CountConv((Conv2d)m, h, w, ref macs);
            }
        }
    }
}
