using VisionCuda.NN;

namespace VisionCuda.Models;

/// <summary>MobileNetV2's inverted residual: 1x1 expand (skipped when t = 1), 3x3 depthwise, 1x1 linear projection.</summary>
public sealed class InvertedResidual : Module
{
    public InvertedResidual(int inp, int oup, int stride, int expandRatio)
    {
        int hidden = (int)Math.Round((double)inp * expandRatio);
        UseResidual = stride == 1 && inp == oup;
        var conv = new Sequential();
        if (expandRatio != 1) conv.Append(Blocks.ConvBnAct(inp, hidden, 1, act: new ReLU6()));
        conv.Append(Blocks.ConvBnAct(hidden, hidden, 3, stride, groups: hidden, act: new ReLU6()));
        conv.Append(new Conv2d(hidden, oup, 1, bias: false));
        conv.Append(new BatchNorm2d(oup));
        _conv = RegisterModule("conv", conv);
    }

    private readonly Sequential _conv;

    public bool UseResidual { get; }

    public override Tensor Forward(Tensor input) => UseResidual ? input + _conv.Forward(input) : _conv.Forward(input);
}

/// <summary>
/// MobileNetV2 with torchvision's layer names (features.N..., classifier.1): depthwise separable inverted residuals,
/// ReLU6, a width multiplier (channels rounded to multiples of 8) and dropout 0.2 before the classifier by default.
/// <c>smallInput</c> makes the stem stride 1 for small images. 3,504,872 parameters at width 1 with 1000 classes.
/// <see cref="FreezableLayers"/> lists features.0 .. features.18 then the classifier, so freeze=N is fine-grained.
/// </summary>
public sealed class MobileNetV2 : Module, IClassifier
{
    private static readonly (int T, int C, int N, int S)[] Settings =
    {
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    };

    public MobileNetV2(int numClasses, int inChannels = 3, double width = 1.0, bool smallInput = false, double dropout = 0.2)
    {
        int input = Blocks.MakeDivisible(32 * width);
        int last = Blocks.MakeDivisible(1280 * Math.Max(1.0, width));
        var features = new Sequential(Blocks.ConvBnAct(inChannels, input, 3, smallInput ? 1 : 2, act: new ReLU6()));
        foreach (var (t, c, n, s) in Settings)
        {
            int output = Blocks.MakeDivisible(c * width);
            for (int i = 0; i < n; i++)
            {
                features.Append(new InvertedResidual(input, output, i == 0 ? s : 1, t));
                input = output;
            }
        }
        features.Append(Blocks.ConvBnAct(input, last, 1, act: new ReLU6()));
        Features = RegisterModule("features", features);
        RegisterModule("pool", new GlobalAvgPool2d());
        RegisterModule("flatten", new Flatten());
        Classifier = RegisterModule("classifier", new Sequential(new Dropout(dropout), new Linear(last, numClasses)));
    }

    public Sequential Features { get; }

    public Sequential Classifier { get; }

    public Linear Head => (Linear)Classifier[1];

    public IEnumerable<Tensor> BackboneParameters() => Features.Parameters();

    public override IReadOnlyList<(string Name, Module Module)> FreezableLayers()
        => Features.NamedChildren().Select(c => ("features." + c.Name, c.Module)).Append(("classifier", (Module)Classifier)).ToList();

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var m in Children()) x = m.Forward(x);
        return x;
    }
}
