namespace VisionCuda.Backends;

/// <summary>
/// Elementwise functions y = f(x; a, b). The scalar parameters <c>a</c>, <c>b</c> are op specific:
/// LeakyRelu slope in a; Clamp bounds in [a, b]; Pow exponent in a; Affine y = x*a + b.
/// </summary>
public enum UnaryOp
{
    Neg,
    Exp,
    Log,
    Sqrt,
    Abs,
    Relu,
    LeakyRelu,
    Silu,
    Sigmoid,
    Tanh,
    Hardswish,
    Pow,
    Clamp,
    Affine,
    Reciprocal,
}

public enum BinaryOp
{
    Add,
    Sub,
    Mul,
    Div,
    Maximum,
    Minimum,
}

public enum ReduceOp
{
    Sum,
    Mean,
    Max,
}

public enum InterpolationMode
{
    Nearest,
    Bilinear,
}
