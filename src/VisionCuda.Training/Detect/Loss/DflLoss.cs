namespace VisionCuda.Training.Detect.Loss;

// Design notes
// - Distribution focal loss (Li et al. 2020) for a continuous target distance d in [0, reg_max - 1 - 0.01]:
//   left bin l = floor(d), right bin l + 1, weights w_l = (l + 1) - d and w_r = 1 - w_l;
//   loss = CE(logits, l) * w_l + CE(logits, l + 1) * w_r.
// - The two cross-entropies are F.CrossEntropy with reduction None (the backend's NLL kernel), so the loss runs on any
//   backend. Positions that carry no loss get the ignore index (-100) and contribute exactly 0.
// - Targets are prepared on the host (DflTargets), as the assigner's outputs are host arrays.
// - DetectionLoss uses the fused F.DflLoss (target distances and weights, one backend kernel with the log-softmax
//   inside); this composed form is kept as the independent reference the fused op is tested against.

/// <summary>Host-side DFL targets for a set of positions: bins and weights (see the design notes).</summary>
public sealed class DflTargets
{
    public const int Ignore = -100;

    public DflTargets(int count)
    {
        Left = new int[count];
        Right = new int[count];
        WeightLeft = new float[count];
        WeightRight = new float[count];
        Array.Fill(Left, Ignore);
        Array.Fill(Right, Ignore);
    }

    public int[] Left { get; }

    public int[] Right { get; }

    public float[] WeightLeft { get; }

    public float[] WeightRight { get; }

    /// <summary>Sets position <paramref name="i"/> to target distance <paramref name="d"/> (clamped as YOLOv8 does), scaling both weights by <paramref name="scale"/>.</summary>
    public void Set(int i, float d, int regMax, float scale = 1f)
    {
        d = Math.Clamp(d, 0f, regMax - 1 - 0.01f);
        int l = (int)d;
        float wl = (l + 1) - d;
        Left[i] = l;
        Right[i] = l + 1;
        WeightLeft[i] = wl * scale;
        WeightRight[i] = (1f - wl) * scale;
    }
}

public static class DflLoss
{
    /// <summary>
    /// Per-position DFL terms CE_l * w_l + CE_r * w_r for logits [N, reg_max, *] and targets of shape [N, *]
    /// (<paramref name="targetShape"/>); ignored positions give 0.
    /// </summary>
    public static Tensor Terms(Tensor logits, DflTargets targets, int[] targetShape)
    {
        var be = logits.Backend;
        var left = Tensor.FromArray(targets.Left, targetShape, be);
        var right = Tensor.FromArray(targets.Right, targetShape, be);
        var wl = Tensor.FromArray(targets.WeightLeft, targetShape, be);
        var wr = Tensor.FromArray(targets.WeightRight, targetShape, be);
        var ceL = F.CrossEntropy(logits, left, reduction: Reduction.None);
        var ceR = F.CrossEntropy(logits, right, reduction: Reduction.None);
        return ceL * wl + ceR * wr;
    }
}
