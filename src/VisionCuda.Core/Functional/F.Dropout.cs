namespace VisionCuda;

public static partial class F
{
    /// <summary>
    /// Inverted dropout. The mask is drawn with Philox from (seed, offset + element index), so every backend
    /// drops the same elements and a resumed run replays the same masks (conventions.md, Determinism).
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, bool training, ulong seed, ulong offset = 0)
    {
        RequireFloat(x, "Dropout");
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1), got {p}");
        if (!training || p == 0f) return x;
        var mask = NewLike(x);
        x.Backend.DropoutMask(mask.Storage, x.Numel, p, seed, offset);
        var y = NewLike(x);
        x.Backend.Binary(Backends.BinaryOp.Mul, x.Storage, mask.Storage, y.Storage, Backends.BroadcastPlan.Create(x.Shape, x.Shape));
        return Record("Dropout", y, new[] { x }, g =>
        {
            var dx = NewLike(x);
            x.Backend.Binary(Backends.BinaryOp.Mul, g.Storage, mask.Storage, dx.Storage, Backends.BroadcastPlan.Create(x.Shape, x.Shape));
            return new Tensor?[] { dx };
        });
    }
}
