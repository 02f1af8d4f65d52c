namespace VisionCuda;

public static partial class F
{
    /// <summary>
    /// Cross-entropy from logits [N, C, ...] and Int32 class targets [N, ...], with class weights, label smoothing and
    /// ignore_index exactly as torch.nn.functional.cross_entropy: the 'mean' reduction divides by the sum of the
    /// target classes' weights.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, Tensor? weight = null, float labelSmoothing = 0f,
        int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        RequireFloat(logits, "CrossEntropy");
        RequireSameBackend("CrossEntropy", logits, targets, weight);
        if (logits.Rank < 2) throw new ArgumentException($"CrossEntropy: logits must be [N, C, ...], got {Shapes.Format(logits.Shape)}");
        if (targets.DType != DType.Int32) throw new ArgumentException($"CrossEntropy: targets must be Int32 class indices, got {targets.DType}");
        var targetShape = logits.Shape.Where((_, i) => i != 1).ToArray();
        RequireShape(targets, targetShape, "CrossEntropy", "targets");
        int classes = logits.Shape[1];
        if (weight is not null) RequireShape(weight, new[] { classes }, "CrossEntropy", "weight");
        if (labelSmoothing < 0f || labelSmoothing > 1f) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), "label smoothing must be in [0, 1]");
        var logp = LogSoftmax(logits, 1);
        var (outer, _, inner) = Shapes.AroundDim(logits.Shape, 1);
        var be = logits.Backend;
        var loss = New(be, targetShape);
        var wsum = New(be, targetShape);
        be.NllLoss(logp.Storage, targets.Storage, weight?.Storage, loss.Storage, wsum.Storage, outer, classes, inner, labelSmoothing, ignoreIndex);
        Record("NllLoss", loss, new[] { logp }, g =>
        {
            var dlogp = NewLike(logp);
            be.NllLossBackward(targets.Storage, weight?.Storage, g.Storage, dlogp.Storage, outer, classes, inner, labelSmoothing, ignoreIndex);
            return new Tensor?[] { dlogp };
        });
        return reduction switch
        {
            Reduction.None => loss,
            Reduction.Sum => Sum(loss),
            _ => Div(Sum(loss), Sum(wsum)),
        };
    }

    /// <summary>Numerically stable binary cross-entropy on logits, with an optional positive-class weight.</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor x, Tensor target, Reduction reduction = Reduction.Mean, float posWeight = 1f)
    {
        RequireFloat(x, "BinaryCrossEntropyWithLogits");
        RequireFloat(target, "BinaryCrossEntropyWithLogits");
        RequireSameBackend("BinaryCrossEntropyWithLogits", x, target);
        RequireShape(target, x.Shape, "BinaryCrossEntropyWithLogits", "target");
        var be = x.Backend;
        var loss = NewLike(x);
        be.BceWithLogits(x.Storage, target.Storage, loss.Storage, x.Numel, posWeight);
        Record("BceWithLogits", loss, new[] { x }, g =>
        {
            var dx = NewLike(x);
            be.BceWithLogitsBackward(x.Storage, target.Storage, g.Storage, dx.Storage, x.Numel, posWeight);
            return new Tensor?[] { dx };
        });
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// Multi-class focal loss (Lin et al.) on softmax probabilities: loss_i = -w[t_i] (1 - p_t)^gamma log p_t, with
    /// logits [N, C] and Int32 targets [N]; 'mean' averages over samples.
    /// </summary>
    public static Tensor FocalLoss(Tensor logits, Tensor targets, float gamma = 2f, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        RequireRank(logits, 2, "FocalLoss", "logits");
        if (targets.DType != DType.Int32) throw new ArgumentException("FocalLoss: targets must be Int32 class indices");
        RequireShape(targets, new[] { logits.Shape[0] }, "FocalLoss", "targets");
        int classes = logits.Shape[1];
        var oneHot = OneHot(targets, classes);
        var logpt = Sum(Mul(LogSoftmax(logits, 1), oneHot), 1);
        var modulating = Pow(Affine(Exp(logpt), -1f, 1f), gamma);
        var loss = Neg(Mul(modulating, logpt));
        if (weight is not null)
        {
            RequireShape(weight, new[] { classes }, "FocalLoss", "weight");
            loss = Mul(loss, Sum(Mul(oneHot, weight), 1));
        }
        return Reduce(loss, reduction);
    }

    /// <summary>Sigmoid focal loss with torchvision.ops.sigmoid_focal_loss semantics (alpha &lt; 0 disables the alpha term).</summary>
    public static Tensor SigmoidFocalLoss(Tensor x, Tensor target, float alpha = 0.25f, float gamma = 2f, Reduction reduction = Reduction.Mean)
    {
        var p = Sigmoid(x);
        var ce = BinaryCrossEntropyWithLogits(x, target, Reduction.None);
        // p_t = p*t + (1-p)*(1-t) = 1 - (p + t - 2pt)
        var pt = Affine(Sub(Add(p, target), Mul(Mul(p, target), 2f)), -1f, 1f);
        var loss = Mul(ce, Pow(Affine(pt, -1f, 1f), gamma));
        if (alpha >= 0f)
        {
            var alphaT = Affine(target, 2f * alpha - 1f, 1f - alpha); // alpha*t + (1-alpha)*(1-t)
            loss = Mul(loss, alphaT);
        }
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// Dice loss on probabilities [N, C, H, W] against a target of the same shape (one-hot or soft):
    /// dice[n,c] = (2 sum(p t) + smooth) / (sum p + sum t + smooth) over H, W; loss = 1 - dice, reduced over (n, c).
    /// </summary>
    public static Tensor DiceLoss(Tensor probs, Tensor target, float smooth = 1f, Reduction reduction = Reduction.Mean)
    {
        RequireRank(probs, 4, "DiceLoss", "probs");
        RequireShape(target, probs.Shape, "DiceLoss", "target");
        int n = probs.Shape[0], c = probs.Shape[1], hw = probs.Shape[2] * probs.Shape[3];
        var p = Reshape(probs, n, c, hw);
        var t = Reshape(target, n, c, hw);
        var inter = Sum(Mul(p, t), 2);
        var denom = Add(Add(Sum(p, 2), Sum(t, 2)), smooth);
        var dice = Div(Affine(inter, 2f, smooth), denom);
        return Reduce(Affine(dice, -1f, 1f), reduction);
    }

    public static Tensor MseLoss(Tensor x, Tensor y, Reduction reduction = Reduction.Mean)
    {
        var d = Sub(x, y);
        return Reduce(Mul(d, d), reduction);
    }

    /// <summary>One-hot float [.., classes] from Int32 indices (no gradient).</summary>
    public static Tensor OneHot(Tensor indices, int classes)
    {
        if (indices.DType != DType.Int32) throw new ArgumentException("OneHot: indices must be Int32");
        var y = New(indices.Backend, indices.Shape.Append(classes).ToArray());
        indices.Backend.OneHot(indices.Storage, y.Storage, indices.Numel, classes);
        return y;
    }

    private static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.None => loss,
        Reduction.Sum => Sum(loss),
        _ => Mean(loss),
    };
}
