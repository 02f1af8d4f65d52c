namespace VisionCuda;

public static partial class F
{
    /// <summary>A view with a new shape over the same storage (one dim may be -1).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var resolved = ResolveShape(shape, x.Numel, x.Shape);
        x.Storage.AddRef();
        var y = new Tensor(x.Storage, resolved);
        var inShape = x.Shape;
        return Record("Reshape", y, new[] { x }, g => new Tensor?[] { Reshape(g, inShape) });
    }

    public static Tensor Flatten(Tensor x, int startDim = 1)
    {
        int s = Shapes.NormalizeDim(startDim, x.Rank);
        var shape = x.Shape.Take(s).Append((int)Shapes.Numel(x.Shape.AsSpan(s))).ToArray();
        return Reshape(x, shape);
    }

    private static int[] ResolveShape(int[] shape, long numel, int[] from)
    {
        var result = (int[])shape.Clone();
        int unknown = Array.IndexOf(result, -1);
        long known = 1;
        for (int i = 0; i < result.Length; i++) if (i != unknown) known *= result[i];
        if (unknown >= 0)
        {
            if (known == 0 || numel % known != 0) throw new ArgumentException($"cannot reshape {Shapes.Format(from)} to {Shapes.Format(shape)}");
            result[unknown] = (int)(numel / known);
        }
        if (Shapes.Numel(result) != numel) throw new ArgumentException($"cannot reshape {Shapes.Format(from)} ({numel} elements) to {Shapes.Format(shape)}");
        return result;
    }

    /// <summary>Reorders dims: y.shape[i] = x.shape[perm[i]] (a copy, so the result stays contiguous).</summary>
    public static Tensor Permute(Tensor x, params int[] perm)
    {
        if (perm.Length != x.Rank || perm.Distinct().Count() != perm.Length || perm.Any(p => p < 0 || p >= x.Rank))
            throw new ArgumentException($"Permute: {Shapes.Format(perm)} is not a permutation of rank {x.Rank}");
        var outShape = perm.Select(p => x.Shape[p]).ToArray();
        var y = Tensor.Empty(outShape, x.Backend, x.DType);
        x.Backend.Permute(x.Storage, x.Shape, perm, y.Storage);
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return Record("Permute", y, new[] { x }, g => new Tensor?[] { Permute(g, inverse) });
    }

    public static Tensor Transpose(Tensor x, int dim0, int dim1)
    {
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        int a = Shapes.NormalizeDim(dim0, x.Rank), b = Shapes.NormalizeDim(dim1, x.Rank);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(x, perm);
    }

    /// <summary>Concatenates along <paramref name="dim"/>; every other dim must match.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat of no tensors");
        var first = tensors[0];
        int d = Shapes.NormalizeDim(dim, first.Rank);
        RequireSameBackend("Concat", tensors.ToArray());
        foreach (var t in tensors)
        {
            if (t.Rank != first.Rank || t.DType != first.DType || Enumerable.Range(0, t.Rank).Any(i => i != d && t.Shape[i] != first.Shape[i]))
                throw new ArgumentException($"Concat: {Shapes.Format(t.Shape)} does not match {Shapes.Format(first.Shape)} outside dim {d}");
        }
        int total = tensors.Sum(t => t.Shape[d]);
        var outShape = (int[])first.Shape.Clone();
        outShape[d] = total;
        var y = Tensor.Empty(outShape, first.Backend, first.DType);
        var (outer, _, inner) = Shapes.AroundDim(outShape, d);
        long offset = 0;
        foreach (var t in tensors)
        {
            long cols = t.Shape[d] * inner;
            first.Backend.CopyBlocks(t.Storage, 0, cols, y.Storage, offset, total * inner, outer, cols, accumulate: false);
            offset += cols;
        }
        var sizes = tensors.Select(t => t.Shape[d]).ToArray();
        return Record("Concat", y, tensors.ToArray(), g => Split(g, sizes, d));
    }

    /// <summary>Splits along <paramref name="dim"/> into pieces of the given sizes (copies).</summary>
    public static Tensor[] Split(Tensor x, int[] sizes, int dim)
    {
        int d = Shapes.NormalizeDim(dim, x.Rank);
        if (sizes.Sum() != x.Shape[d]) throw new ArgumentException($"Split: sizes {Shapes.Format(sizes)} do not add up to {x.Shape[d]}");
        var result = new Tensor[sizes.Length];
        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            result[i] = Narrow(x, d, start, sizes[i]);
            start += sizes[i];
        }
        return result;
    }

    /// <summary>Splits into <paramref name="chunks"/> equal pieces along <paramref name="dim"/>.</summary>
    public static Tensor[] Chunk(Tensor x, int chunks, int dim)
    {
        int d = Shapes.NormalizeDim(dim, x.Rank);
        if (x.Shape[d] % chunks != 0) throw new ArgumentException($"Chunk: size {x.Shape[d]} is not divisible by {chunks}");
        return Split(x, Enumerable.Repeat(x.Shape[d] / chunks, chunks).ToArray(), d);
    }

    /// <summary>The slice [start, start+length) of <paramref name="dim"/>, as a contiguous copy.</summary>
    public static Tensor Narrow(Tensor x, int dim, int start, int length)
    {
        int d = Shapes.NormalizeDim(dim, x.Rank);
        if (start < 0 || length < 0 || start + length > x.Shape[d])
            throw new ArgumentException($"Narrow: [{start}, {start + length}) out of range for dim {d} of {Shapes.Format(x.Shape)}");
        var outShape = (int[])x.Shape.Clone();
        outShape[d] = length;
        var y = Tensor.Empty(outShape, x.Backend, x.DType);
        var (outer, size, inner) = Shapes.AroundDim(x.Shape, d);
        long cols = length * inner;
        x.Backend.CopyBlocks(x.Storage, start * inner, size * inner, y.Storage, 0, cols, outer, cols, accumulate: false);
        return Record("Narrow", y, new[] { x }, g =>
        {
            var dx = Tensor.Zeros(x.Shape, x.Backend);
            x.Backend.CopyBlocks(g.Storage, 0, cols, dx.Storage, start * inner, size * inner, outer, cols, accumulate: true);
            return new Tensor?[] { dx };
        });
    }
}
