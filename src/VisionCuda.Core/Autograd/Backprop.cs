namespace VisionCuda.Autograd;

/// <summary>
/// Reverse-mode sweep over the tape. Nodes are visited in reverse topological order from the root; gradients
/// flowing into the same tensor are summed; leaves that require grad accumulate into <see cref="Tensor.Grad"/>
/// (so two Backward calls without ZeroGrad add up, as in PyTorch).
/// </summary>
internal static class Backprop
{
    public static void Run(Tensor root, Tensor seed)
    {
        var order = TopologicalOrder(root);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        grads[root] = seed;
        using var noGrad = GradMode.NoGrad();
        foreach (var t in order)
        {
            if (!grads.TryGetValue(t, out var g)) continue;
            var node = t.GradFn;
            if (node is null)
            {
                if (t.RequiresGrad) t.AccumulateGrad(g);
                continue;
            }
            if (t.RetainsGrad) t.AccumulateGrad(g);
            var inputGrads = node.Backward(g);
            if (inputGrads.Length != node.Inputs.Length)
                throw new InvalidOperationException($"backward of {node.Name} returned {inputGrads.Length} gradients for {node.Inputs.Length} inputs");
            for (int i = 0; i < inputGrads.Length; i++)
            {
                var gi = inputGrads[i];
                var input = node.Inputs[i];
                if (gi is null || !input.RequiresGrad) continue;
                if (!Shapes.SameShape(gi.Shape, input.Shape))
                    throw new InvalidOperationException($"backward of {node.Name}: gradient shape {Shapes.Format(gi.Shape)} != input shape {Shapes.Format(input.Shape)}");
                if (grads.TryGetValue(input, out var existing))
                    grads[input] = Sum(existing, gi);
                else
                    grads[input] = gi;
            }
        }
    }

    private static Tensor Sum(Tensor a, Tensor b)
    {
        var y = Tensor.Empty(a.Shape, a.Backend);
        a.Backend.Axpy(a.Storage, b.Storage, y.Storage, a.Numel, 1f);
        return y;
    }

    /// <summary>Tensors reachable from root, root first, each before all of its inputs (iterative DFS: deep nets would overflow recursion).</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var post = new List<Tensor>();
        var stack = new Stack<(Tensor t, int next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs ?? Array.Empty<Tensor>();
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else
            {
                post.Add(t);
            }
        }
        post.Reverse();
        return post;
    }
}
