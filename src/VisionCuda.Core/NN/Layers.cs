using VisionCuda.Backends;
using VisionCuda.Random;

namespace VisionCuda.NN;

public sealed class ReLU : Module
{
    public override Tensor Forward(Tensor input) => F.Relu(input);
}

/// <summary>min(max(x, 0), 6), as torch.nn.ReLU6 (MobileNetV2).</summary>
public sealed class ReLU6 : Module
{
    public override Tensor Forward(Tensor input) => F.Clamp(input, 0f, 6f);
}

public sealed class SiLU : Module
{
    public override Tensor Forward(Tensor input) => F.Silu(input);
}

public sealed class Sigmoid : Module
{
    public override Tensor Forward(Tensor input) => F.Sigmoid(input);
}

public sealed class Hardswish : Module
{
    public override Tensor Forward(Tensor input) => F.Hardswish(input);
}

public sealed class LeakyReLU : Module
{
    public LeakyReLU(float negativeSlope = 0.01f) => NegativeSlope = negativeSlope;

    public float NegativeSlope { get; }

    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope);
}

public sealed class Identity : Module
{
    public override Tensor Forward(Tensor input) => input;
}

public sealed class Flatten : Module
{
    public Flatten(int startDim = 1) => StartDim = startDim;

    public int StartDim { get; }

    public override Tensor Forward(Tensor input) => F.Flatten(input, StartDim);
}

public sealed class MaxPool2d : Module
{
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        CeilMode = ceilMode;
    }

    public int KernelSize { get; }

    public int Stride { get; }

    public int Padding { get; }

    public bool CeilMode { get; }

    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, CeilMode);
}

public sealed class AvgPool2d : Module
{
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
    }

    public int KernelSize { get; }

    public int Stride { get; }

    public int Padding { get; }

    public bool CeilMode { get; }

    public bool CountIncludePad { get; }

    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);
}

/// <summary>AdaptiveAvgPool2d(1): the mean of each channel plane, [N, C, H, W] -> [N, C, 1, 1].</summary>
public sealed class GlobalAvgPool2d : Module
{
    public override Tensor Forward(Tensor input) => F.GlobalAvgPool2d(input);
}

/// <summary>Only output size 1 is supported (PyTorch's common AdaptiveAvgPool2d((1, 1))).</summary>
public sealed class AdaptiveAvgPool2d : Module
{
    public AdaptiveAvgPool2d(int outputSize = 1)
    {
        if (outputSize != 1) throw new NotSupportedException($"AdaptiveAvgPool2d({outputSize}): only output size 1 is supported");
    }

    public override Tensor Forward(Tensor input) => F.GlobalAvgPool2d(input);
}

public sealed class Upsample : Module
{
    public Upsample(int scaleFactor = 2, InterpolationMode mode = InterpolationMode.Nearest)
    {
        ScaleFactor = scaleFactor;
        Mode = mode;
    }

    public int ScaleFactor { get; }

    public InterpolationMode Mode { get; }

    public override Tensor Forward(Tensor input) => F.Upsample(input, ScaleFactor, Mode);
}

/// <summary>
/// Inverted dropout with deterministic masks. The mask of a forward pass is drawn with Philox keyed by
/// (<see cref="Seed"/>, <see cref="Step"/>, purpose Dropout); Step advances by one per training forward.
/// A trainer that wants masks independent of history sets <see cref="Step"/> (e.g. to the global iteration)
/// before each forward, which also makes a resumed run replay the same masks.
/// </summary>
public sealed class Dropout : Module
{
    public Dropout(double p = 0.5, ulong? seed = null)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1), got {p}");
        P = p;
        // Without an explicit seed, derive one from the init seed and this layer's position among init draws.
        Seed = seed ?? Init.NextKey();
    }

    public double P { get; }

    public ulong Seed { get; set; }

    public long Step { get; set; }

    public override Tensor Forward(Tensor input)
    {
        if (!IsTraining || P == 0) return input;
        ulong key = Philox.Key(Seed, Step, 0, RandomPurpose.Dropout);
        Step++;
        return F.Dropout(input, (float)P, true, key, 0);
    }
}

/// <summary>Runs its children in order; children are named "0", "1", ... as in PyTorch.</summary>
public sealed class Sequential : Module
{
    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    public Sequential(IEnumerable<(string Name, Module Module)> named)
    {
        foreach (var (name, m) in named) RegisterModule(name, m);
    }

    public int Count => Children().Count();

    public Module this[int index] => Children().ElementAt(index);

    public Sequential Append(Module module)
    {
        RegisterModule(Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        return this;
    }

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var m in Children()) x = m.Forward(x);
        return x;
    }
}
