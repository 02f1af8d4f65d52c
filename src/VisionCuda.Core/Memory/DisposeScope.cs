namespace VisionCuda.Memory;

/// <summary>
/// TorchSharp-style dispose scope: every tensor created while the scope is the innermost one on this thread is
/// disposed with the scope, unless it was moved out with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.DetachFromScope"/>. A training step wrapped in <c>using var scope = DisposeScope.Enter();</c>
/// returns all its temporaries to the backend pools, so the next step reuses them instead of allocating.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;

    private readonly List<Tensor> _tensors = new();
    private readonly DisposeScope? _outer;
    private bool _disposed;

    private DisposeScope(DisposeScope? outer) => _outer = outer;

    public static DisposeScope? Current => _current;

    public static DisposeScope Enter()
    {
        var scope = new DisposeScope(_current);
        _current = scope;
        return scope;
    }

    public DisposeScope? Outer => _outer;

    public int Count => _tensors.Count;

    internal void Register(Tensor t) => _tensors.Add(t);

    internal void Unregister(Tensor t)
    {
        // Scan from the end: the tensor being moved is almost always one of the newest.
        int i = _tensors.LastIndexOf(t);
        if (i >= 0) _tensors.RemoveAt(i);
    }

    /// <summary>Disposes everything in the scope except the given tensors, which move to the outer scope.</summary>
    public void DisposeEverythingBut(params Tensor[] keep)
    {
        foreach (var t in keep) t.MoveToOuterScope();
        foreach (var t in _tensors) t.DisposeWithoutScope();
        _tensors.Clear();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors) t.DisposeWithoutScope();
        _tensors.Clear();
        if (_current == this) _current = _outer;
    }
}
