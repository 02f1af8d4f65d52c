namespace VisionCuda.NN;

/// <summary>
/// 2-D convolution, weight [out, in/groups, k, k] and optional bias [out]. Initialised as PyTorch does
/// (kaiming_uniform_ with a = sqrt(5)): weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in/groups*k*k.
/// </summary>
public sealed class Conv2d : Module
{
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || dilation <= 0 || groups <= 0 || padding < 0)
            throw new ArgumentException($"Conv2d({inChannels}, {outChannels}, k={kernelSize}, s={stride}, p={padding}, d={dilation}, g={groups}): sizes must be positive");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: channels {inChannels} -> {outChannels} are not divisible by groups={groups}");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        int fanIn = inChannels / groups * kernelSize * kernelSize;
        double bound = 1.0 / Math.Sqrt(fanIn);
        RegisterParameter("weight", Init.UniformBound(new[] { outChannels, inChannels / groups, kernelSize, kernelSize }, bound));
        if (bias) RegisterParameter("bias", Init.UniformBound(new[] { outChannels }, bound));
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelSize { get; }

    public int Stride { get; }

    public int Padding { get; }

    public int Dilation { get; }

    public int Groups { get; }

    public Tensor Weight => Param("weight");

    public Tensor? Bias => ParamOrNull("bias");

    public override Tensor Forward(Tensor input) => F.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    public override string TypeName => $"Conv2d({InChannels}, {OutChannels}, k={KernelSize}, s={Stride}, p={Padding}{(Groups > 1 ? $", g={Groups}" : "")})";
}

/// <summary>
/// Transposed 2-D convolution, weight [in, out/groups, k, k]. PyTorch initialisation: fan_in is computed from the
/// weight's dim 1, i.e. out/groups*k*k.
/// </summary>
public sealed class ConvTranspose2d : Module
{
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
                           int dilation = 1, int groups = 1, bool bias = true)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || dilation <= 0 || groups <= 0 || padding < 0 || outputPadding < 0)
            throw new ArgumentException("ConvTranspose2d: sizes must be positive");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"ConvTranspose2d: channels {inChannels} -> {outChannels} are not divisible by groups={groups}");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        OutputPadding = outputPadding;
        Dilation = dilation;
        Groups = groups;
        int fanIn = outChannels / groups * kernelSize * kernelSize;
        double bound = 1.0 / Math.Sqrt(fanIn);
        RegisterParameter("weight", Init.UniformBound(new[] { inChannels, outChannels / groups, kernelSize, kernelSize }, bound));
        if (bias) RegisterParameter("bias", Init.UniformBound(new[] { outChannels }, bound));
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelSize { get; }

    public int Stride { get; }

    public int Padding { get; }

    public int OutputPadding { get; }

    public int Dilation { get; }

    public int Groups { get; }

    public Tensor Weight => Param("weight");

    public Tensor? Bias => ParamOrNull("bias");

    public override Tensor Forward(Tensor input) => F.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Dilation, Groups);
}

/// <summary>Fully connected layer y = x W^T + b, weight [out, in]; PyTorch initialisation (bound 1/sqrt(in)).</summary>
public sealed class Linear : Module
{
    public Linear(int inFeatures, int outFeatures, bool bias = true)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentException($"Linear({inFeatures}, {outFeatures}): sizes must be positive");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1.0 / Math.Sqrt(inFeatures);
        RegisterParameter("weight", Init.UniformBound(new[] { outFeatures, inFeatures }, bound));
        if (bias) RegisterParameter("bias", Init.UniformBound(new[] { outFeatures }, bound));
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public Tensor Weight => Param("weight");

    public Tensor? Bias => ParamOrNull("bias");

    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);

    public override string TypeName => $"Linear({InFeatures}, {OutFeatures})";
}

/// <summary>
/// Batch normalisation over NCHW with running statistics (momentum 0.1, eps 1e-5 by default). weight = 1, bias = 0,
/// running_mean = 0, running_var = 1 at construction; training mode uses batch statistics and updates the running ones.
/// </summary>
public sealed class BatchNorm2d : Module, INormLayer
{
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true)
    {
        if (numFeatures <= 0) throw new ArgumentException($"BatchNorm2d({numFeatures}): need at least one channel");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        var c = new[] { numFeatures };
        if (affine)
        {
            RegisterParameter("weight", Tensor.Ones(c));
            RegisterParameter("bias", Tensor.Zeros(c));
        }
        RegisterBuffer("running_mean", Tensor.Zeros(c));
        RegisterBuffer("running_var", Tensor.Ones(c));
    }

    public int NumFeatures { get; }

    public double Eps { get; }

    public double Momentum { get; }

    public Tensor? Weight => ParamOrNull("weight");

    public Tensor? Bias => ParamOrNull("bias");

    public Tensor RunningMean => Buffer("running_mean");

    public Tensor RunningVar => Buffer("running_var");

    public override Tensor Forward(Tensor input)
        => F.BatchNorm2d(input, RunningMean, RunningVar, Weight, Bias, IsTraining, (float)Momentum, (float)Eps);

    public override string TypeName => $"BatchNorm2d({NumFeatures})";
}
