namespace VisionCuda;

/// <summary>Operators and instance methods that forward to <see cref="F"/>, for TorchSharp-like call shapes.</summary>
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => F.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => F.Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => F.Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => F.Div(a, b);
    public static Tensor operator +(Tensor a, float s) => F.Add(a, s);
    public static Tensor operator +(float s, Tensor a) => F.Add(a, s);
    public static Tensor operator -(Tensor a, float s) => F.Sub(a, s);
    public static Tensor operator -(float s, Tensor a) => F.Affine(a, -1f, s);
    public static Tensor operator *(Tensor a, float s) => F.Mul(a, s);
    public static Tensor operator *(float s, Tensor a) => F.Mul(a, s);
    public static Tensor operator /(Tensor a, float s) => F.Div(a, s);
    public static Tensor operator -(Tensor a) => F.Neg(a);

    public Tensor Add(Tensor other) => F.Add(this, other);
    public Tensor Sub(Tensor other) => F.Sub(this, other);
    public Tensor Mul(Tensor other) => F.Mul(this, other);
    public Tensor Div(Tensor other) => F.Div(this, other);
    public Tensor Exp() => F.Exp(this);
    public Tensor Log() => F.Log(this);
    public Tensor Sqrt() => F.Sqrt(this);
    public Tensor Pow(float exponent) => F.Pow(this, exponent);
    public Tensor Relu() => F.Relu(this);
    public Tensor Sigmoid() => F.Sigmoid(this);
    public Tensor Tanh() => F.Tanh(this);
    public Tensor Sum() => F.Sum(this);
    public Tensor Sum(int dim, bool keepDim = false) => F.Sum(this, dim, keepDim);
    public Tensor Mean() => F.Mean(this);
    public Tensor Mean(int dim, bool keepDim = false) => F.Mean(this, dim, keepDim);
    public Tensor Reshape(params int[] shape) => F.Reshape(this, shape);
    public Tensor View(params int[] shape) => F.Reshape(this, shape);
    public Tensor Flatten(int startDim = 1) => F.Flatten(this, startDim);
    public Tensor Permute(params int[] perm) => F.Permute(this, perm);
    public Tensor Matmul(Tensor other) => F.Matmul(this, other);
    public Tensor Softmax(int dim) => F.Softmax(this, dim);
    public Tensor LogSoftmax(int dim) => F.LogSoftmax(this, dim);
    public Tensor ArgMax(int dim, bool keepDim = false) => F.ArgMax(this, dim, keepDim);
}
