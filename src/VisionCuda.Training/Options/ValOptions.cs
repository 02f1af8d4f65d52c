namespace VisionCuda.Training.Options;

/// <summary>Arguments of <c>visioncuda val classify</c> (the shared ones of <see cref="ValOptionsBase"/>).</summary>
public sealed class ValOptions : ValOptionsBase
{
    public ValOptions()
    {
        Batch = 32;
    }
}

/// <summary>Arguments of <c>visioncuda predict classify</c> (the shared ones of <see cref="PredictOptionsBase"/>).</summary>
public sealed class PredictOptions : PredictOptionsBase
{
}
