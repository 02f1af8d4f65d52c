namespace VisionCuda.NN;

/// <summary>
/// Parameters are plain <see cref="Tensor"/> leaves (Tensor is sealed): a float32 leaf that requires grad and
/// belongs to no dispose scope, so that a training step's <c>DisposeScope</c> never frees the weights.
/// </summary>
public static class Parameter
{
    /// <summary>
    /// Turns <paramref name="data"/> into a parameter: a non-leaf is detached (sharing its storage), the result
    /// is taken out of every dispose scope and marked <c>RequiresGrad</c>.
    /// </summary>
    public static Tensor Create(Tensor data, bool requiresGrad = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.DType != DType.Float32) throw new ArgumentException($"a parameter must be float32, got {data.DType}");
        var p = data.IsLeaf ? data : data.Detach();
        p.DetachFromScope();
        p.RequiresGrad = requiresGrad;
        return p;
    }
}
