using System.Globalization;
using VisionCuda.Backends;
using VisionCuda.NN;

namespace VisionCuda.Models.Yolo;

// Design notes
// - Built from a YoloConfig exactly as Ultralytics' parse_model does: repeats n -> max(round(n * depth), 1) when
//   n > 1 (Python rounding, half to even); output channels c2 -> ceil(min(c2, max_channels) * width / 8) * 8 unless
//   c2 is nc; C2f takes the repeats as its bottleneck count; other modules repeated n times become a Sequential.
// - Child "model" holds the layers "0".."N-1", so state-dict keys read "model.4.m.1.cv2.conv.weight" like theirs.
// - Forward(images) (the Module override) is the inference output [B, 4 + nc, A]; ForwardLevels(images) gives the
//   raw per-level head outputs that DetectionLoss consumes. Strides come from the layer graph (stride-2 Convs and
//   x2 Upsamples), not from a probe forward.
// - GFLOPs = 2 * conv MACs at a given input size, counted analytically from the conv shapes (the figure
//   Ultralytics prints for a fused model: 8.7 for yolov8n at 640).

/// <summary>A YOLOv8-style detector built from a model YAML (see the design notes at the top of the file).</summary>
public sealed class YoloModel : Module
{
    private readonly Module[] _layers;
    private readonly int[][] _from;
    private readonly int[] _strideOf;
    private YoloAnchors? _anchors;
    private Tensor? _points, _strideT;
    private string _anchorKey = "";

    private YoloModel(YoloConfig cfg, int nc, string scale, int inChannels)
    {
        Config = cfg;
        Nc = nc;
        Scale = scale;
        InChannels = inChannels;
        var (_, depth, width, maxCh) = cfg.ResolveScale(scale.Length == 0 ? null : scale);
        var container = RegisterModule("model", new Sequential());
        var outCh = new List<int>();
        var strides = new List<int>();
        _layers = new Module[cfg.Layers.Count];
        _from = new int[cfg.Layers.Count][];
        _strideOf = new int[cfg.Layers.Count];
        for (int i = 0; i < cfg.Layers.Count; i++)
        {
            var spec = cfg.Layers[i];
            var from = spec.From.Select(f => f < 0 ? i + f : f).ToArray();
            int ChIn(int k) => from[k] < 0 ? inChannels : outCh[from[k]];
            int StrideIn(int k) => i == 0 ? 1 : _strideOf[from[k]];
            int n = spec.Repeats > 1 ? Math.Max((int)Math.Round(spec.Repeats * depth, MidpointRounding.ToEven), 1) : spec.Repeats;
            string Where() => $"{cfg.Source}:{spec.Line}: layer {i} ({spec.Module})";
            object? Arg(int k) => k < spec.Args.Count ? (spec.Args[k] is "nc" ? nc : spec.Args[k]) : null;
            int IntArg(int k, int dflt) => Arg(k) switch
            {
                null => dflt,
                int v => v,
                var v => throw new YoloConfigException($"{Where()}: arg {k} = '{v}' must be an integer"),
            };
            bool BoolArg(int k, bool dflt) => Arg(k) switch
            {
                null => dflt,
                bool v => v,
                var v => throw new YoloConfigException($"{Where()}: arg {k} = '{v}' must be True or False"),
            };
            int Width(int c2) => c2 == nc ? c2 : MakeDivisible(Math.Min(c2, maxCh) * width, 8);

            Module layer;
            int c;
            int stride = StrideIn(0);
            if (from.Length != 1 && spec.Module is not ("Concat" or "Detect"))
                throw new YoloConfigException($"{Where()}: takes one input, 'from' lists {from.Length}");
            switch (spec.Module)
            {
                case "Conv":
                {
                    c = Width(IntArg(0, -1));
                    int k = IntArg(1, 1), s = IntArg(2, 1);
                    int g = IntArg(4, 1);
                    layer = Repeat(n, r => new YoloConv(r == 0 ? ChIn(0) : c, c, k, s, g));
                    stride *= (int)Math.Pow(s, n);
                    break;
                }
                case "C2f":
                    c = Width(IntArg(0, -1));
                    layer = new C2f(ChIn(0), c, n, BoolArg(1, false), IntArg(2, 1), Arg(3) is double e ? e : 0.5);
                    break;
                case "SPPF":
                {
                    c = Width(IntArg(0, -1));
                    int k = IntArg(1, 5);
                    layer = Repeat(n, r => new Sppf(r == 0 ? ChIn(0) : c, c, k));
                    break;
                }
                case "nn.Upsample" or "Upsample":
                {
                    if (Arg(0) is not null) throw new YoloConfigException($"{Where()}: only a scale factor is supported (size must be None)");
                    int scaleFactor = IntArg(1, 2);
                    var mode = Arg(2) is null or "nearest" ? InterpolationMode.Nearest
                        : throw new YoloConfigException($"{Where()}: only 'nearest' upsampling is supported");
                    c = ChIn(0);
                    layer = new Upsample(scaleFactor, mode);
                    if (stride % scaleFactor != 0) throw new YoloConfigException($"{Where()}: upsampling below stride 1");
                    stride /= scaleFactor;
                    break;
                }
                case "Concat":
                    if (IntArg(0, 1) != 1) throw new YoloConfigException($"{Where()}: only channel concatenation (dim 1) is supported");
                    c = from.Select((_, k) => ChIn(k)).Sum();
                    for (int k = 1; k < from.Length; k++)
                        if (StrideIn(k) != stride)
                            throw new YoloConfigException($"{Where()}: inputs have strides {string.Join(", ", from.Select((_, q) => StrideIn(q)))}");
                    layer = new YoloConcat(1);
                    break;
                case "Detect":
                    if (i != cfg.Layers.Count - 1) throw new YoloConfigException($"{Where()}: Detect must be the last layer");
                    layer = new DetectHead(nc, from.Select((_, k) => ChIn(k)).ToArray(), from.Select((_, k) => StrideIn(k)).ToArray());
                    c = 0;
                    break;
                default:
                    throw new YoloConfigException($"{Where()}: unknown module '{spec.Module}' (known: Conv, C2f, SPPF, nn.Upsample, Concat, Detect)");
            }
            container.Append(layer);
            _layers[i] = layer;
            _from[i] = from;
            _strideOf[i] = stride;
            outCh.Add(c);
        }
        Head = _layers[^1] as DetectHead ?? throw new YoloConfigException($"{cfg.Source}: the last layer must be Detect");
    }

    /// <summary>One module, or a Sequential of <paramref name="n"/> (make(r) builds repeat r).</summary>
    private static Module Repeat(int n, Func<int, Module> make)
    {
        if (n == 1) return make(0);
        var seq = new Sequential();
        for (int r = 0; r < n; r++) seq.Append(make(r));
        return seq;
    }

    /// <summary>Ultralytics' make_divisible: ceil(x / divisor) * divisor.</summary>
    public static int MakeDivisible(double x, int divisor) => (int)Math.Ceiling(x / divisor) * divisor;

    /// <summary>
    /// Builds the model from a YAML file path or a built-in name ("yolov8n.yaml", "yolov8s.yaml"). <paramref name="nc"/>
    /// overrides the file's nc; <paramref name="scale"/> overrides the scale taken from the file or its name.
    /// </summary>
    public static YoloModel FromYaml(string pathOrName, int? nc = null, string? scale = null, int inChannels = 3, ulong seed = 0)
        => FromConfig(YoloConfig.Load(pathOrName), nc, scale, inChannels, seed);

    /// <summary>
    /// Builds the model with weights initialised from <paramref name="seed"/> alone: the init stream is reset here, so
    /// the weights do not depend on what else this thread built before (as <c>ModelFactory.Create</c> does).
    /// </summary>
    public static YoloModel FromConfig(YoloConfig cfg, int? nc = null, string? scale = null, int inChannels = 3, ulong seed = 0)
    {
        int classes = nc ?? cfg.Nc;
        if (classes <= 0) throw new ArgumentOutOfRangeException(nameof(nc), "nc must be positive");
        var resolved = cfg.ResolveScale(scale);
        using var _ = VisionCuda.NN.Init.Seeded(seed);
        return new YoloModel(cfg, classes, resolved.Name, inChannels);
    }

    public YoloConfig Config { get; }

    /// <summary>The model's name for summaries and weights metadata: the YAML file name.</summary>
    public string Name => Path.GetFileName(Config.Source);

    public int Nc { get; }

    public string Scale { get; }

    public int InChannels { get; }

    public DetectHead Head { get; }

    public int RegMax => Head.RegMax;

    /// <summary>Strides of the head levels (8, 16, 32 for the standard models).</summary>
    public int[] Strides => Head.Strides;

    /// <summary>The largest stride: input sizes must be multiples of it.</summary>
    public int MaxStride => Strides.Max();

    public override string TypeName => "YoloModel";

    /// <summary>Layers "model.0" .. "model.N-1": what freeze=N counts, as in Ultralytics.</summary>
    public override IReadOnlyList<(string Name, Module Module)> FreezableLayers()
        => _layers.Select((m, i) => ($"model.{i}", m)).ToList();

    /// <summary>Raw head outputs per level: [B, 4*reg_max + nc, H_i, W_i] with H_i = H / stride_i.</summary>
    public IReadOnlyList<Tensor> ForwardLevels(Tensor images)
    {
        if (images.Rank != 4 || images.Shape[1] != InChannels)
            throw new ArgumentException($"{Name}: expected images [B, {InChannels}, H, W], got {Shapes.Format(images.Shape)}");
        if (images.Shape[2] % MaxStride != 0 || images.Shape[3] % MaxStride != 0)
            throw new ArgumentException($"{Name}: image size {images.Shape[2]}x{images.Shape[3]} must be a multiple of {MaxStride}");
        var y = new Tensor[_layers.Length];
        for (int i = 0; i < _layers.Length - 1; i++)
        {
            var from = _from[i];
            Tensor In(int k) => from[k] < 0 ? images : y[from[k]];
            y[i] = _layers[i] is YoloConcat cat ? cat.Forward(from.Select((_, k) => In(k)).ToArray()) : _layers[i].Forward(In(0));
        }
        return Head.Forward(_from[^1].Select(f => y[f]).ToArray());
    }

    /// <summary>Inference output [B, 4 + nc, A]: boxes (cx, cy, w, h) in pixels, then sigmoid class scores.</summary>
    public override Tensor Forward(Tensor input) => Decode(ForwardLevels(input));

    /// <summary>Same as <see cref="Forward"/>.</summary>
    public Tensor Inference(Tensor images) => Forward(images);

    /// <summary>Anchors for the given level outputs (cached for the last sizes seen).</summary>
    public YoloAnchors AnchorsFor(IReadOnlyList<Tensor> levels)
    {
        var sizes = YoloAnchors.SizesOf(levels);
        var key = string.Join(",", sizes) + "@" + levels[0].Backend.Name;
        if (_anchors is null || key != _anchorKey)
        {
            _points?.Dispose();
            _strideT?.Dispose();
            _anchors = YoloAnchors.Make(sizes, Strides);
            _points = _anchors.PointsTensor(levels[0].Backend).DetachFromScope();
            _strideT = _anchors.StrideTensor(levels[0].Backend).DetachFromScope();
            _anchorKey = key;
        }
        return _anchors;
    }

    /// <summary>Decodes raw level outputs into [B, 4 + nc, A] (xywh pixels via the DFL expectation, sigmoid scores).</summary>
    public Tensor Decode(IReadOnlyList<Tensor> levels)
    {
        var anchors = AnchorsFor(levels);
        int b = levels[0].Shape[0], no = Head.No, r4 = 4 * RegMax;
        var flat = F.Concat(levels.Select(l => F.Reshape(l, b, no, -1)).ToArray(), 2);
        var dist = Head.Dfl.Forward(F.Narrow(flat, 1, 0, r4), anchors.Count);
        var lt = F.Narrow(dist, 1, 0, 2);
        var rb = F.Narrow(dist, 1, 2, 2);
        var centre = F.Mul(F.Add(_points!, F.Mul(F.Sub(rb, lt), 0.5f)), _strideT!);
        var size = F.Mul(F.Add(lt, rb), _strideT!);
        return F.Concat(new[] { centre, size, F.Sigmoid(F.Narrow(flat, 1, r4, Nc)) }, 1);
    }

    /// <summary>Analytic GFLOPs (2 * conv MACs) for an input of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public double GFlops(int height = 640, int width = -1)
    {
        if (width < 0) width = height;
        long macs = 0;
        var sizes = new (int H, int W)[_layers.Length];
        for (int i = 0; i < _layers.Length; i++)
        {
            var f = _from[i];
            var (h, w) = f[0] < 0 ? (height, width) : sizes[f[0]];
            sizes[i] = _layers[i] switch
            {
                IMacCounter c => c.CountMacs(h, w, ref macs),
                Sequential s => CountSequential(s, h, w, ref macs),
                Upsample u => (h * u.ScaleFactor, w * u.ScaleFactor),
                DetectHead d => CountHead(d, f.Select(k => sizes[k]).ToArray(), ref macs),
                _ => (h, w),
            };
        }
        return 2.0 * macs / 1e9;

        static (int, int) CountSequential(Sequential s, int h, int w, ref long macs)
        {
            foreach (var m in s.Children()) (h, w) = ((IMacCounter)m).CountMacs(h, w, ref macs);
            return (h, w);
        }

        static (int, int) CountHead(DetectHead d, (int, int)[] sizes, ref long macs)
        {
            d.CountMacs(sizes, ref macs);
            return (0, 0);
        }
    }

    /// <summary>One line like Ultralytics' model.info(): layers, parameters, gradients and GFLOPs at <paramref name="imgsz"/>.</summary>
    public string Summary(int imgsz = 640)
        => string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(Name)} summary: {Modules().Count()} modules, {ParameterCount():N0} parameters, " +
            $"{ParameterCount(trainableOnly: true):N0} gradients, {GFlops(imgsz):F1} GFLOPs at {imgsz}");

    /// <summary>Metadata to rebuild the model from a weights file (conventions.md: spec, nc, task only).</summary>
    public Dictionary<string, string> ToMetadata() => new(StringComparer.Ordinal)
    {
        ["model"] = Name,
        ["scale"] = Scale,
        ["nc"] = Nc.ToString(CultureInfo.InvariantCulture),
        ["in_channels"] = InChannels.ToString(CultureInfo.InvariantCulture),
        ["task"] = "detect",
    };
}
