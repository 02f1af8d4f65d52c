using VisionCuda.Autograd;
using VisionCuda.Backends;

namespace VisionCuda;

/// <summary>
/// The functional API, in the manner of torch.nn.functional: every op validates shapes, runs the backend
/// kernel, and — when an input requires grad and grad mode is on — records a <see cref="GradNode"/> whose
/// closure computes input gradients with backend kernels. Split by op family over F.*.cs files.
/// </summary>
public static partial class F
{
    /// <summary>True when the op must be recorded on the tape.</summary>
    private static bool NeedsGrad(params Tensor?[] inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs)
            if (t is not null && t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Attaches a backward closure to <paramref name="output"/> when any input requires grad.</summary>
    private static Tensor Record(string name, Tensor output, Tensor?[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (!NeedsGrad(inputs)) return output;
        var nonNull = new List<Tensor>(inputs.Length);
        var map = new List<int>(inputs.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null) continue;
            nonNull.Add(inputs[i]!);
            map.Add(i);
        }
        output.SetGradFn(new GradNode(name, nonNull.ToArray(), g =>
        {
            var all = backward(g);
            var result = new Tensor?[map.Count];
            for (int j = 0; j < map.Count; j++) result[j] = all[map[j]];
            return result;
        }));
        return output;
    }

    private static Tensor NewLike(Tensor t) => Tensor.Empty(t.Shape, t.Backend);

    private static Tensor New(IBackend backend, params int[] shape) => Tensor.Empty(shape, backend);

    private static void RequireFloat(Tensor t, string op)
    {
        if (t.DType != DType.Float32) throw new ArgumentException($"{op}: expected a float32 tensor, got {t.DType}");
    }

    private static void RequireSameBackend(string op, params Tensor?[] ts)
    {
        IBackend? b = null;
        foreach (var t in ts)
        {
            if (t is null) continue;
            b ??= t.Backend;
            if (!ReferenceEquals(b, t.Backend))
                throw new ArgumentException($"{op}: tensors are on different devices ({b.Name} and {t.Backend.Name})");
        }
    }

    private static void RequireRank(Tensor t, int rank, string op, string what)
    {
        if (t.Rank != rank) throw new ArgumentException($"{op}: {what} must have rank {rank}, got shape {Shapes.Format(t.Shape)}");
    }

    private static void RequireShape(Tensor t, int[] shape, string op, string what)
    {
        if (!Shapes.SameShape(t.Shape, shape))
            throw new ArgumentException($"{op}: {what} must have shape {Shapes.Format(shape)}, got {Shapes.Format(t.Shape)}");
    }
}

public enum Reduction
{
    None,
    Mean,
    Sum,
}
