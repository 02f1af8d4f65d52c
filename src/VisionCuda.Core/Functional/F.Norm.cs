namespace VisionCuda;

public static partial class F
{
    /// <summary>
    /// Batch-norm over NCHW (or NC) as torch.nn.functional.batch_norm. In training it normalises with the batch
    /// statistics and updates the running stats in place (no tape for them); in eval it uses the running stats.
    /// gamma/beta may be null (no affine), which behaves as ones/zeros.
    /// </summary>
    public static Tensor BatchNorm2d(Tensor x, Tensor runningMean, Tensor runningVar, Tensor? gamma, Tensor? beta,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        RequireFloat(x, "BatchNorm2d");
        RequireSameBackend("BatchNorm2d", x, runningMean, runningVar, gamma, beta);
        if (x.Rank != 4 && x.Rank != 2) throw new ArgumentException($"BatchNorm2d: input must be NCHW or NC, got {Shapes.Format(x.Shape)}");
        int n = x.Shape[0], c = x.Shape[1];
        long hw = x.Rank == 4 ? (long)x.Shape[2] * x.Shape[3] : 1;
        var chan = new[] { c };
        RequireShape(runningMean, chan, "BatchNorm2d", "running_mean");
        RequireShape(runningVar, chan, "BatchNorm2d", "running_var");
        if (gamma is not null) RequireShape(gamma, chan, "BatchNorm2d", "weight");
        if (beta is not null) RequireShape(beta, chan, "BatchNorm2d", "bias");
        if (training && n * hw <= 1) throw new ArgumentException($"BatchNorm2d: training needs more than one value per channel, got input {Shapes.Format(x.Shape)}");
        var be = x.Backend;
        var g = gamma ?? Tensor.Ones(chan, be);
        var b = beta ?? Tensor.Zeros(chan, be);
        var y = NewLike(x);
        if (!training)
        {
            be.BatchNormEval(x.Storage, g.Storage, b.Storage, y.Storage, runningMean.Storage, runningVar.Storage, n, c, hw, eps);
            // Eval-mode BN is an affine map per channel: dx = dy * gamma / sqrt(var + eps); dgamma, dbeta likewise.
            return Record("BatchNorm2dEval", y, new[] { x, gamma, beta }, dy => EvalBatchNormBackward(x, dy, runningMean, runningVar, gamma, beta, eps));
        }
        var saveMean = New(be, c);
        var saveInvStd = New(be, c);
        be.BatchNormTrain(x.Storage, g.Storage, b.Storage, y.Storage, saveMean.Storage, saveInvStd.Storage,
            runningMean.Storage, runningVar.Storage, n, c, hw, momentum, eps);
        return Record("BatchNorm2d", y, new[] { x, gamma, beta }, dy =>
        {
            var dx = NewLike(x);
            var dg = New(be, c);
            var db = New(be, c);
            be.BatchNormBackward(x.Storage, dy.Storage, g.Storage, saveMean.Storage, saveInvStd.Storage, dx.Storage, dg.Storage, db.Storage, n, c, hw);
            return new Tensor?[] { dx, dg, db };
        });
    }

    private static Tensor?[] EvalBatchNormBackward(Tensor x, Tensor dy, Tensor runningMean, Tensor runningVar, Tensor? gamma, Tensor? beta, float eps)
    {
        int c = x.Shape[1];
        var bshape = x.Rank == 4 ? new[] { c, 1, 1 } : new[] { c };
        var invStd = Reshape(Reciprocal(Sqrt(Add(runningVar, eps))), bshape);
        var xhat = Mul(Sub(x, Reshape(runningMean, bshape)), invStd);
        Tensor? dx = null, dg = null, db = null;
        if (x.RequiresGrad) dx = gamma is null ? Mul(dy, invStd) : Mul(dy, Mul(invStd, Reshape(gamma, bshape)));
        var reduceDims = x.Rank == 4 ? new[] { 0, 2, 3 } : new[] { 0 };
        if (gamma is not null && gamma.RequiresGrad) dg = Sum(Mul(dy, xhat), reduceDims);
        if (beta is not null && beta.RequiresGrad) db = Sum(dy, reduceDims);
        return new[] { dx, dg, db };
    }
}
