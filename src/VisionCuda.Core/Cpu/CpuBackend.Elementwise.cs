using VisionCuda.Cpu.Diagnostics;
using System.Numerics.Tensors;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

public sealed unsafe partial class CpuBackend
{
    /// <summary>Sub-block for ops that need a scratch row (silu, pow backward): 4 KiB of stack, L1-resident.</summary>
    private const int ScratchBlock = 1024;

    public void Unary(UnaryOp op, Storage x, Storage y, long count, float a = 0f, float b = 0f)
    {
        using var profiled = Profile is null ? default : Time("unary." + op);
        float* px = P(x), py = P(y);
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) => UnaryChunk(op, px + s, py + s, (int)(e - s), a, b));
    }

    private static void UnaryChunk(UnaryOp op, float* x, float* y, int n, float a, float b)
    {
        var sx = new ReadOnlySpan<float>(x, n);
        var sy = new Span<float>(y, n);
        switch (op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(sx, sy); break;
            case UnaryOp.Exp: VectorMap.Run(new ExpMap(), x, y, n); break;
            case UnaryOp.Log: TensorPrimitives.Log(sx, sy); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(sx, sy); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(sx, sy); break;
            case UnaryOp.Relu: TensorPrimitives.Max(sx, 0f, sy); break; // Max propagates NaN, like torch.relu
            case UnaryOp.LeakyRelu: VectorMap.Run(new LeakyReluMap(a), x, y, n); break;
            case UnaryOp.Silu: VectorMap.Run(new SiluMap(), x, y, n); break;
            case UnaryOp.Sigmoid: VectorMap.Run(new SigmoidMap(), x, y, n); break;
            case UnaryOp.Tanh: TensorPrimitives.Tanh(sx, sy); break;
            case UnaryOp.Hardswish: VectorMap.Run(new HardswishMap(), x, y, n); break;
            case UnaryOp.Pow: Pow(sx, a, sy); break;
            case UnaryOp.Clamp: VectorMap.Run(new ClampMap(a, b), x, y, n); break;
            case UnaryOp.Affine: TensorPrimitives.Multiply(sx, a, sy); TensorPrimitives.Add(sy, b, sy); break;
            case UnaryOp.Reciprocal: TensorPrimitives.Reciprocal(sx, sy); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    /// <summary>x^a with the exponents PyTorch special-cases computed exactly (x*x, sqrt, copy).</summary>
    private static void Pow(ReadOnlySpan<float> x, float a, Span<float> y)
    {
        if (a == 2f) TensorPrimitives.Multiply(x, x, y);
        else if (a == 1f) x.CopyTo(y);
        else if (a == 0.5f) TensorPrimitives.Sqrt(x, y);
        else if (a == 0f) y.Fill(1f);
        else TensorPrimitives.Pow(x, a, y);
    }

    public void UnaryBackward(UnaryOp op, Storage x, Storage y, Storage dy, Storage dx, long count, float a = 0f, float b = 0f)
    {
        using var profiled = Profile is null ? default : Time("unary.bwd." + op);
        float* px = P(x), py = P(y), pdy = P(dy), pdx = P(dx);
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain,
            (s, e) => UnaryBackwardChunk(op, px + s, py + s, pdy + s, pdx + s, (int)(e - s), a, b));
    }

    private static void UnaryBackwardChunk(UnaryOp op, float* x, float* y, float* dy, float* dx, int n, float a, float b)
    {
        switch (op)
        {
            case UnaryOp.Neg: VectorMap.Run(new NegGrad(), x, y, dy, dx, n); break;
            case UnaryOp.Exp: VectorMap.Run(new ExpGrad(), x, y, dy, dx, n); break;
            case UnaryOp.Log: VectorMap.Run(new LogGrad(), x, y, dy, dx, n); break;
            case UnaryOp.Sqrt: VectorMap.Run(new SqrtGrad(), x, y, dy, dx, n); break;
            case UnaryOp.Abs: VectorMap.Run(new AbsGrad(), x, y, dy, dx, n); break;
            case UnaryOp.Relu: VectorMap.Run(new ReluGrad(), x, y, dy, dx, n); break;
            case UnaryOp.LeakyRelu: VectorMap.Run(new LeakyReluGrad(a), x, y, dy, dx, n); break;
            case UnaryOp.Silu: VectorMap.Run(new SiluGrad(), x, x, dy, dx, n); break; // s from x; x in the unused y slot saves a read stream
            case UnaryOp.Sigmoid: VectorMap.Run(new SigmoidGrad(), x, y, dy, dx, n); break;
            case UnaryOp.Tanh: VectorMap.Run(new TanhGrad(), x, y, dy, dx, n); break;
            case UnaryOp.Hardswish: VectorMap.Run(new HardswishGrad(), x, y, dy, dx, n); break;
            case UnaryOp.Pow: WithScratch(x, dy, dx, n, (sx, ss) => Pow(sx, a - 1f, ss), new PowGradFromPower(a)); break;
            case UnaryOp.Clamp: VectorMap.Run(new ClampGrad(a, b), x, y, dy, dx, n); break;
            case UnaryOp.Affine: VectorMap.Run(new ScaleGrad(a), x, y, dy, dx, n); break;
            case UnaryOp.Reciprocal: VectorMap.Run(new ReciprocalGrad(), x, y, dy, dx, n); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    private delegate void ScratchFill(ReadOnlySpan<float> x, Span<float> scratch);

    /// <summary>Fills a stack scratch row from x (sigmoid(x), x^(a-1)), then runs the gradient map with it in the y slot.</summary>
    private static void WithScratch<T>(float* x, float* dy, float* dx, int n, ScratchFill fill, T grad) where T : struct, IVectorMap3
    {
        float* s = stackalloc float[ScratchBlock];
        for (int o = 0; o < n; o += ScratchBlock)
        {
            int len = Math.Min(ScratchBlock, n - o);
            fill(new ReadOnlySpan<float>(x + o, len), new Span<float>(s, len));
            VectorMap.Run(grad, x + o, s, dy + o, dx + o, len);
        }
    }

    public void Binary(BinaryOp op, Storage a, Storage b, Storage y, BroadcastPlan plan)
    {
        using var profiled = Profile is null ? default : Time("binary." + op);
        float* pa = P(a), pb = P(b), py = P(y);
        long count = plan.Count;
        var contiguous = Shapes.ContiguousStrides(plan.OutShape);
        bool aFlat = plan.AStrides.AsSpan().SequenceEqual(contiguous);
        bool bFlat = plan.BStrides.AsSpan().SequenceEqual(contiguous);
        bool aScalar = Array.TrueForAll(plan.AStrides, s => s == 0);
        if ((aFlat || aScalar) && (bFlat || plan.BIsScalar))
        {
            // Flat fast paths: same shape, tensor-scalar, scalar-tensor.
            int sa = aScalar && count > 1 ? 0 : 1, sb = plan.BIsScalar && count > 1 ? 0 : 1;
            CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) =>
                BinaryKernel.Row(op, pa + s * sa, sa, pb + s * sb, sb, py + s, (int)(e - s)));
            return;
        }
        BinaryKernel.Strided(op, plan, pa, pb, py, Threads);
    }

    public void Axpy(Storage a, Storage b, Storage y, long count, float alpha)
    {
        using var profiled = Time("axpy");
        float* pa = P(a), pb = P(b), py = P(y);
        CpuParallel.For(Threads, count, CpuParallel.ElementGrain, (s, e) =>
        {
            int len = (int)(e - s);
            var sa = new ReadOnlySpan<float>(pa + s, len);
            var sb = new ReadOnlySpan<float>(pb + s, len);
            var sy = new Span<float>(py + s, len);
            if (alpha == 1f) TensorPrimitives.Add(sa, sb, sy);
            else TensorPrimitives.MultiplyAdd(sb, alpha, sa, sy);
        });
    }
}
