namespace VisionCuda.Autograd;

/// <summary>
/// One recorded op on the tape: its inputs and a closure that maps the output gradient to input gradients.
/// The closure returns one entry per input (null where that input needs no gradient). Saved tensors are
/// captured by the closure; they stay alive until the enclosing dispose scope ends.
/// </summary>
public sealed class GradNode
{
    public GradNode(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        Inputs = inputs;
        Backward = backward;
    }

    /// <summary>Op name, for error messages and graph dumps.</summary>
    public string Name { get; }

    public Tensor[] Inputs { get; }

    public Func<Tensor, Tensor?[]> Backward { get; }

    public override string ToString() => Name;
}
