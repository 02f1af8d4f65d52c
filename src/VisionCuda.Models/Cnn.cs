using VisionCuda.NN;

namespace VisionCuda.Models;

/// <summary>
/// The small "cnn": three conv-bn-relu stages (32, 64, 128 channels times the width) with 2x2 max pools after the
/// first two, global average pooling, dropout and a linear classifier. About 95k parameters at width 1; fast on a CPU
/// for 28x28 and 32x32 inputs. Top-level layers (freeze counts them): conv1, pool1, conv2, pool2, conv3, pool, flatten, dropout, fc.
/// </summary>
public sealed class Cnn : Module, IClassifier
{
    public Cnn(int numClasses, int inChannels = 1, double width = 1.0, double dropout = 0.0)
    {
        int c1 = Blocks.MakeDivisible(32 * width), c2 = Blocks.MakeDivisible(64 * width), c3 = Blocks.MakeDivisible(128 * width);
        RegisterModule("conv1", Blocks.ConvBnAct(inChannels, c1, 3));
        RegisterModule("pool1", new MaxPool2d(2));
        RegisterModule("conv2", Blocks.ConvBnAct(c1, c2, 3));
        RegisterModule("pool2", new MaxPool2d(2));
        RegisterModule("conv3", Blocks.ConvBnAct(c2, c3, 3));
        RegisterModule("pool", new GlobalAvgPool2d());
        RegisterModule("flatten", new Flatten());
        RegisterModule("dropout", new Dropout(dropout));
        Fc = RegisterModule("fc", new Linear(c3, numClasses));
    }

    /// <summary>The classifier head (replace-free fine-tuning: give it its own parameter group).</summary>
    public Linear Fc { get; }

    public Linear Head => Fc;

    public IEnumerable<Tensor> BackboneParameters() => NamedChildren().Where(c => c.Name != "fc").SelectMany(c => c.Module.Parameters());

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var m in Children()) x = m.Forward(x);
        return x;
    }
}
