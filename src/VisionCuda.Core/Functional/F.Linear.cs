namespace VisionCuda;

public static partial class F
{
    /// <summary>
    /// Matrix product: [m,k]x[k,n], batched [B,m,k]x[B,k,n], or [B,m,k]x[k,n] (the right matrix shared).
    /// Backward: dA = dY·Bᵀ, dB = Aᵀ·dY (summed over the batch when B is shared).
    /// </summary>
    public static Tensor Matmul(Tensor a, Tensor b)
    {
        RequireFloat(a, "Matmul");
        RequireFloat(b, "Matmul");
        RequireSameBackend("Matmul", a, b);
        if (a.Rank < 2 || a.Rank > 3 || b.Rank < 2 || b.Rank > 3 || (a.Rank == 2 && b.Rank == 3))
            throw new ArgumentException($"Matmul: unsupported shapes {Shapes.Format(a.Shape)} x {Shapes.Format(b.Shape)}");
        int batch = a.Rank == 3 ? a.Shape[0] : 1;
        int m = a.Shape[^2], k = a.Shape[^1], kb = b.Shape[^2], n = b.Shape[^1];
        if (k != kb || (b.Rank == 3 && b.Shape[0] != batch))
            throw new ArgumentException($"Matmul: shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} do not multiply");
        long sA = (long)m * k, sB = b.Rank == 3 ? (long)k * n : 0, sC = (long)m * n;
        var outShape = a.Rank == 3 ? new[] { batch, m, n } : new[] { m, n };
        var y = New(a.Backend, outShape);
        var be = a.Backend;
        be.Gemm(false, false, m, n, k, 1f, a.Storage, 0, sA, b.Storage, 0, sB, 0f, y.Storage, 0, sC, batch);
        return Record("Matmul", y, new[] { a, b }, g =>
        {
            Tensor? da = null, db = null;
            if (a.RequiresGrad)
            {
                da = NewLike(a);
                be.Gemm(false, true, m, k, n, 1f, g.Storage, 0, sC, b.Storage, 0, sB, 0f, da.Storage, 0, sA, batch);
            }
            if (b.RequiresGrad)
            {
                db = NewLike(b);
                if (sB != 0)
                {
                    be.Gemm(true, false, k, n, m, 1f, a.Storage, 0, sA, g.Storage, 0, sC, 0f, db.Storage, 0, sB, batch);
                }
                else
                {
                    // Shared right matrix: the batch folds into the m dimension ([B*m, k]ᵀ · [B*m, n]).
                    be.Gemm(true, false, k, n, m * batch, 1f, a.Storage, 0, 0, g.Storage, 0, 0, 0f, db.Storage, 0, 0, 1);
                }
            }
            return new[] { da, db };
        });
    }

    /// <summary>y = x·Wᵀ + b with x [N, in], W [out, in], b [out], as torch.nn.functional.linear.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        RequireFloat(x, "Linear");
        RequireSameBackend("Linear", x, weight, bias);
        RequireRank(weight, 2, "Linear", "weight");
        RequireRank(x, 2, "Linear", "input");
        int n = x.Shape[0], inF = x.Shape[1], outF = weight.Shape[0];
        if (weight.Shape[1] != inF) throw new ArgumentException($"Linear: input has {inF} features but weight is {Shapes.Format(weight.Shape)}");
        if (bias is not null) RequireShape(bias, new[] { outF }, "Linear", "bias");
        var be = x.Backend;
        var y = New(be, n, outF);
        be.Gemm(false, true, n, outF, inF, 1f, x.Storage, 0, 0, weight.Storage, 0, 0, 0f, y.Storage, 0, 0);
        if (bias is not null)
            be.Binary(Backends.BinaryOp.Add, y.Storage, bias.Storage, y.Storage, Backends.BroadcastPlan.Create(y.Shape, bias.Shape));
        return Record("Linear", y, new[] { x, weight, bias }, g =>
        {
            Tensor? dx = null, dw = null, db = null;
            if (x.RequiresGrad)
            {
                dx = NewLike(x);
                be.Gemm(false, false, n, inF, outF, 1f, g.Storage, 0, 0, weight.Storage, 0, 0, 0f, dx.Storage, 0, 0);
            }
            if (weight.RequiresGrad)
            {
                dw = NewLike(weight);
                be.Gemm(true, false, outF, inF, n, 1f, g.Storage, 0, 0, x.Storage, 0, 0, 0f, dw.Storage, 0, 0);
            }
            if (bias is not null && bias.RequiresGrad)
            {
                db = NewLike(bias);
                be.Reduce(Backends.ReduceOp.Sum, g.Storage, db.Storage, 1, n, outF);
            }
            return new[] { dx, dw, db };
        });
    }
}
