using VisionCuda.NN;

namespace VisionCuda.Models;

/// <summary>torchvision's BasicBlock: two 3x3 conv-bn with a residual (1x1 conv-bn "downsample" when the shape changes).</summary>
public sealed class BasicBlock : Module
{
    public BasicBlock(int inPlanes, int planes, int stride)
    {
        RegisterModule("conv1", new Conv2d(inPlanes, planes, 3, stride, 1, bias: false));
        RegisterModule("bn1", new BatchNorm2d(planes));
        RegisterModule("relu", new ReLU());
        RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, 1, bias: false));
        RegisterModule("bn2", new BatchNorm2d(planes));
        if (stride != 1 || inPlanes != planes)
            Downsample = RegisterModule("downsample", new Sequential(new Conv2d(inPlanes, planes, 1, stride, bias: false), new BatchNorm2d(planes)));
        _c = Children().ToArray();
    }

    private readonly Module[] _c;

    public Sequential? Downsample { get; }

    public override Tensor Forward(Tensor input)
    {
        var y = _c[2].Forward(_c[1].Forward(_c[0].Forward(input)));
        y = _c[4].Forward(_c[3].Forward(y));
        var identity = Downsample?.Forward(input) ?? input;
        return F.Relu(y + identity);
    }
}

/// <summary>
/// ResNet-18 with torchvision's layer names (so that torchvision state dicts map one to one): conv1, bn1, relu,
/// maxpool, layer1..layer4 (two BasicBlocks each), avgpool, fc. <c>width</c> multiplies every stage's channels
/// (64, 128, 256, 512); <c>smallInput</c> uses a 3x3 stride-1 stem without the max pool, for 28-64 px images.
/// 11,689,512 parameters at width 1 with 1000 classes, as torchvision.
/// </summary>
public sealed class ResNet18 : Module, IClassifier
{
    public ResNet18(int numClasses, int inChannels = 3, double width = 1.0, bool smallInput = false, double dropout = 0.0)
    {
        int[] planes = new[] { 64, 128, 256, 512 }.Select(p => Blocks.MakeDivisible(p * width)).ToArray();
        RegisterModule<Module>("conv1", smallInput ? new Conv2d(inChannels, planes[0], 3, 1, 1, bias: false) : new Conv2d(inChannels, planes[0], 7, 2, 3, bias: false));
        RegisterModule("bn1", new BatchNorm2d(planes[0]));
        RegisterModule("relu", new ReLU());
        RegisterModule<Module>("maxpool", smallInput ? new Identity() : new MaxPool2d(3, 2, 1));
        int inPlanes = planes[0];
        for (int s = 0; s < 4; s++)
        {
            int stride = s == 0 ? 1 : 2;
            RegisterModule($"layer{s + 1}", new Sequential(new BasicBlock(inPlanes, planes[s], stride), new BasicBlock(planes[s], planes[s], 1)));
            inPlanes = planes[s];
        }
        RegisterModule("avgpool", new GlobalAvgPool2d());
        RegisterModule("flatten", new Flatten());
        if (dropout > 0) RegisterModule("dropout", new Dropout(dropout));
        Fc = RegisterModule("fc", new Linear(inPlanes, numClasses));
    }

    public Linear Fc { get; }

    public Linear Head => Fc;

    /// <summary>Everything but <see cref="Fc"/>: the parameters to give a smaller learning rate when fine-tuning.</summary>
    public IEnumerable<Tensor> BackboneParameters() => NamedChildren().Where(c => c.Name != "fc").SelectMany(c => c.Module.Parameters());

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var m in Children()) x = m.Forward(x);
        return x;
    }
}
