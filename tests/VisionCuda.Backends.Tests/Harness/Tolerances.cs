namespace VisionCuda.Backends.Tests.Harness;

/// <summary>|actual - expected| &lt;= Abs + Rel * |expected| (NaN matches NaN, an infinity matches itself).</summary>
public readonly record struct Tol(float Rel, float Abs)
{
    public bool Holds(float actual, float expected)
    {
        if (float.IsNaN(actual) && float.IsNaN(expected)) return true;
        if (actual == expected) return true;
        return Math.Abs(actual - expected) <= Abs + Rel * Math.Abs(expected);
    }

    public override string ToString() => $"{Abs} + {Rel}*|expected|";
}

/// <summary>
/// The one tolerance table of the op suite, for device vs Cpu backend and Cpu backend vs naive reference alike.
/// conventions.md's numbers: elementwise relative 1e-5; reductions, GEMM, conv and losses relative 1e-4 absolute 1e-5.
/// Every entry with more slack than those says why beside the number.
/// </summary>
public static class Tolerances
{
    /// <summary>Bit for bit: copies, permutes, masks, indices, integer pixel arithmetic.</summary>
    public static readonly Tol Exact = new(0f, 0f);

    /// <summary>
    /// Elementwise: relative 1e-5. Absolute 1e-6 beyond conventions.md: a GPU contracts a*x+b into one fused rounding
    /// (axpy, affine, the optimizer updates, the 1 - y^2 of tanh') where the host rounds twice, so a result that
    /// cancels toward 0 keeps an error of an ulp of its operands (|x| up to 5 here: ~5e-7), not of itself. 1e-6 is what
    /// the H200 run of the Cuda suite passed at (BENCHMARKS.md, 122/122).
    /// </summary>
    public static readonly Tol Elementwise = new(1e-5f, 1e-6f);

    /// <summary>Reductions, GEMM, conv, pooling gradients, softmax, losses: conventions.md's relative 1e-4, absolute 1e-5.</summary>
    public static readonly Tol Reduction = new(1e-4f, 1e-5f);

    /// <summary>
    /// The assigner's metric s^alpha * ov^6: relative 1e-4 (not 1e-5) because a GPU's atanf/powf may differ from glibc
    /// by an ulp or two and ov^6 amplifies the overlap's relative error six-fold; absolute 1e-7 as metrics are tiny.
    /// </summary>
    public static readonly Tol AssignerMetric = new(1e-4f, 1e-7f);

    /// <summary>
    /// The Cpu CIoU gradient against the reference's central differences in double: relative 1e-3, absolute 1e-4,
    /// because float32 CIoU terms that cancel (iou - rho2/c2 - alpha v) leave ~1e-6 of the float forward in a
    /// derivative whose scale is 1/box size (0.1 to 2 here), and the difference step of 1e-6 adds ~1e-10 truncation.
    /// </summary>
    public static readonly Tol CiouGradVsReference = new(1e-3f, 1e-4f);
}
