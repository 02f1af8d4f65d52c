using VisionCuda.Backends;

namespace VisionCuda.Optim;

/// <summary>Gradient clipping, as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients by maxNorm / (total + 1e-6) when the global L2 norm exceeds <paramref name="maxNorm"/>;
    /// returns the norm before clipping. Deterministic: each gradient's sum of squares comes from the backend's
    /// fixed-partition reduction, and the per-tensor sums are added on the host in parameter order, in float64.
    /// Parameters without a gradient are skipped. A non-finite norm is returned without scaling.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (maxNorm <= 0) throw new ArgumentOutOfRangeException(nameof(maxNorm), "max norm must be > 0");
        var grads = parameters.Select(p => p.Grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0.0;
        double total = 0;
        foreach (var byBackend in grads.GroupBy(g => g.Backend))
        {
            var backend = byBackend.Key;
            var list = byBackend.ToList();
            var sums = backend.Allocate(list.Count);
            var one = backend.Allocate(1);
            try
            {
                for (int i = 0; i < list.Count; i++)
                {
                    var g = list[i];
                    var sq = backend.Allocate(g.Numel);
                    try
                    {
                        backend.Binary(BinaryOp.Mul, g.Storage, g.Storage, sq, BroadcastPlan.Create(g.Shape, g.Shape));
                        backend.Reduce(ReduceOp.Sum, sq, one, 1, checked((int)g.Numel), 1);
                        backend.CopyBlocks(one, 0, 0, sums, i, 0, 1, 1, accumulate: false);
                    }
                    finally
                    {
                        sq.Release();
                    }
                }
                var host = new float[list.Count];
                backend.Download<float>(sums, host);
                foreach (float s in host) total += s;
            }
            finally
            {
                sums.Release();
                one.Release();
            }
        }
        double norm = Math.Sqrt(total);
        if (!double.IsFinite(norm)) return norm;
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1.0)
            foreach (var g in grads)
                g.Backend.Axpy(g.Storage, g.Storage, g.Storage, g.Numel, (float)(coef - 1.0)); // g += (coef-1) g
        return norm;
    }
}
