using VisionCuda.Autograd;
using VisionCuda.Backends;
using VisionCuda.Memory;

namespace VisionCuda;

/// <summary>
/// A contiguous NCHW tensor whose storage is owned by a backend. Ops live in <see cref="F"/> (and as instance
/// methods and operators here); each records itself on the autograd tape when an input requires grad and
/// <see cref="GradMode.IsEnabled"/>. Tensors are <see cref="IDisposable"/>: dispose them, or create them inside a
/// <see cref="DisposeScope"/>, so that device memory goes back to the pool deterministically.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private Storage? _storage;
    private DisposeScope? _scope;
    private bool _requiresGrad;

    internal Tensor(Storage storage, int[] shape, GradNode? gradFn = null)
    {
        long n = Shapes.Numel(shape);
        if (n > storage.Count) throw new ArgumentException($"shape {Shapes.Format(shape)} needs {n} elements but storage has {storage.Count}");
        _storage = storage;
        Shape = shape;
        Strides = Shapes.ContiguousStrides(shape);
        Numel = n;
        GradFn = gradFn;
        _requiresGrad = gradFn is not null;
        _scope = DisposeScope.Current;
        _scope?.Register(this);
    }

    public IBackend Backend => Storage.Backend;

    public Storage Storage => _storage ?? throw new ObjectDisposedException(nameof(Tensor), $"tensor {Shapes.Format(Shape)} was disposed");

    public DType DType => Storage.DType;

    public int[] Shape { get; }

    public long[] Strides { get; }

    public int Rank => Shape.Length;

    public long Numel { get; }

    public bool IsDisposed => _storage is null;

    /// <summary>The op that produced this tensor on the tape; null for leaves.</summary>
    public GradNode? GradFn { get; private set; }

    public bool IsLeaf => GradFn is null;

    /// <summary>Accumulated gradient of a leaf after <see cref="Backward"/>; it has the same shape as the tensor.</summary>
    public Tensor? Grad { get; private set; }

    internal bool RetainsGrad { get; private set; }

    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf && !value) throw new InvalidOperationException("cannot clear requires_grad on a non-leaf tensor; use Detach()");
            if (value && DType != DType.Float32) throw new InvalidOperationException($"only float tensors can require grad, not {DType}");
            _requiresGrad = value;
        }
    }

    public int Size(int dim) => Shape[Shapes.NormalizeDim(dim, Rank)];

    /// <summary>Keeps the gradient of a non-leaf tensor in <see cref="Grad"/> during backward (for tests and debugging).</summary>
    public Tensor RetainGrad()
    {
        RetainsGrad = true;
        return this;
    }

    /// <summary>Runs reverse-mode autodiff from this tensor. Without <paramref name="gradient"/> the tensor must hold one element.</summary>
    public void Backward(Tensor? gradient = null)
    {
        if (!RequiresGrad) throw new InvalidOperationException("Backward() on a tensor that does not require grad");
        if (gradient is null)
        {
            if (Numel != 1) throw new InvalidOperationException($"Backward() without a gradient needs a scalar, got {Shapes.Format(Shape)}");
            gradient = Tensor.Ones(Shape, Backend);
        }
        Backprop.Run(this, gradient);
    }

    /// <summary>Drops the accumulated gradient (the storage goes back to the pool).</summary>
    public void ZeroGrad()
    {
        Grad?.Dispose();
        Grad = null;
    }

    internal void AccumulateGrad(Tensor g)
    {
        if (Grad is null)
        {
            // The gradient outlives the step's dispose scope: own a private copy.
            var copy = new Tensor(Backend.Allocate(Numel), (int[])Shape.Clone());
            copy.DetachFromScope();
            Backend.CopyBlocks(g.Storage, 0, 0, copy.Storage, 0, 0, 1, Numel, accumulate: false);
            Grad = copy;
        }
        else
        {
            Backend.Axpy(Grad.Storage, g.Storage, Grad.Storage, Numel, 1f);
        }
    }

    /// <summary>Replaces the gradient (used by optimizers that clip or by gradient accumulation helpers).</summary>
    public void SetGrad(Tensor? grad)
    {
        if (grad is not null && !Shapes.SameShape(grad.Shape, Shape))
            throw new ArgumentException($"grad shape {Shapes.Format(grad.Shape)} != {Shapes.Format(Shape)}");
        if (!ReferenceEquals(Grad, grad)) Grad?.Dispose();
        grad?.DetachFromScope();
        Grad = grad;
    }

    /// <summary>A tensor sharing this storage with no tape history.</summary>
    public Tensor Detach()
    {
        Storage.AddRef();
        return new Tensor(Storage, (int[])Shape.Clone());
    }

    /// <summary>Takes the tensor out of every dispose scope: the caller owns it (parameters, buffers, results).</summary>
    public Tensor DetachFromScope()
    {
        _scope?.Unregister(this);
        _scope = null;
        return this;
    }

    /// <summary>Moves the tensor to the scope that encloses its current one (or out of all scopes).</summary>
    public Tensor MoveToOuterScope()
    {
        var outer = _scope?.Outer;
        _scope?.Unregister(this);
        _scope = outer;
        outer?.Register(this);
        return this;
    }

    internal void SetGradFn(GradNode node)
    {
        GradFn = node;
        _requiresGrad = true;
    }

    public void Dispose()
    {
        _scope?.Unregister(this);
        _scope = null;
        DisposeWithoutScope();
    }

    internal void DisposeWithoutScope()
    {
        var s = _storage;
        if (s is null) return;
        _storage = null;
        GradFn = null;
        s.Release();
    }

    public override string ToString() => $"Tensor{Shapes.Format(Shape)} {DType} on {(_storage is null ? "<disposed>" : Backend.Name)}";
}
