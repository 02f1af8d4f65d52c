using VisionCuda.NN;

namespace VisionCuda.Core.Tests.NN;

/// <summary>Small ResNet-like model built from Core layers only (the Core tests do not reference VisionCuda.Models).</summary>
internal sealed class MiniResNet : Module
{
    private sealed class Block : Module
    {
        public Block(int c)
        {
            RegisterModule("conv1", new Conv2d(c, c, 3, 1, 1, bias: false));
            RegisterModule("bn1", new BatchNorm2d(c));
            RegisterModule("relu", new ReLU());
            RegisterModule("conv2", new Conv2d(c, c, 3, 1, 1, bias: false));
            RegisterModule("bn2", new BatchNorm2d(c));
        }

        public override Tensor Forward(Tensor input)
        {
            var c = Children().ToArray();
            var y = c[4].Forward(c[3].Forward(c[2].Forward(c[1].Forward(c[0].Forward(input)))));
            return F.Relu(y + input);
        }
    }

    public MiniResNet(int inChannels = 3, int width = 8, int classes = 5)
    {
        RegisterModule("conv1", new Conv2d(inChannels, width, 3, 1, 1, bias: false));
        RegisterModule("bn1", new BatchNorm2d(width));
        RegisterModule("relu", new ReLU());
        RegisterModule("layer1", new Sequential(new Block(width), new Block(width)));
        RegisterModule("pool", new GlobalAvgPool2d());
        RegisterModule("flatten", new Flatten());
        RegisterModule("fc", new Linear(width, classes));
    }

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var m in Children()) x = m.Forward(x);
        return x;
    }
}
