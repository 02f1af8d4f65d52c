namespace VisionCuda.Models.Yolo;

// Design notes
// - Anchor points are the centres of the feature-map cells, in grid units of their level: (x + 0.5, y + 0.5),
//   enumerated level by level, row-major inside a level (index = y * W + x), which is the order of
//   reshape([B, C, H*W]) and concat over levels. Pixel position = point * stride.
// - Host arrays, because both the assigner (on the host) and the decode (uploaded once per shape) need them.

/// <summary>Anchor points and per-anchor strides for a set of feature-map sizes.</summary>
public sealed class YoloAnchors
{
    private YoloAnchors(float[] x, float[] y, float[] stride, int[] levelStart)
    {
        X = x;
        Y = y;
        Stride = stride;
        LevelStart = levelStart;
    }

    /// <summary>Anchor centres in grid units of their level.</summary>
    public float[] X { get; }

    public float[] Y { get; }

    /// <summary>The stride (pixels per cell) of each anchor's level.</summary>
    public float[] Stride { get; }

    /// <summary>Index of the first anchor of each level, plus the total count at the end.</summary>
    public int[] LevelStart { get; }

    public int Count => X.Length;

    public static YoloAnchors Make(IReadOnlyList<(int H, int W)> sizes, IReadOnlyList<int> strides, float offset = 0.5f)
    {
        if (sizes.Count != strides.Count) throw new ArgumentException($"{sizes.Count} feature maps but {strides.Count} strides");
        int total = sizes.Sum(s => s.H * s.W);
        var x = new float[total];
        var y = new float[total];
        var st = new float[total];
        var starts = new int[sizes.Count + 1];
        int k = 0;
        for (int l = 0; l < sizes.Count; l++)
        {
            starts[l] = k;
            var (h, w) = sizes[l];
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++, k++)
                {
                    x[k] = j + offset;
                    y[k] = i + offset;
                    st[k] = strides[l];
                }
        }
        starts[^1] = total;
        return new YoloAnchors(x, y, st, starts);
    }

    /// <summary>Sizes of level outputs [B, C, H, W].</summary>
    public static (int H, int W)[] SizesOf(IReadOnlyList<Tensor> levels) => levels.Select(t => (t.Shape[2], t.Shape[3])).ToArray();

    /// <summary>The points as a [1, 2, A] tensor (x row then y row), grid units.</summary>
    public Tensor PointsTensor(VisionCuda.Backends.IBackend backend)
        => Tensor.FromArray(X.Concat(Y).ToArray(), new[] { 1, 2, Count }, backend);

    /// <summary>The strides as a [1, 1, A] tensor.</summary>
    public Tensor StrideTensor(VisionCuda.Backends.IBackend backend) => Tensor.FromArray((float[])Stride.Clone(), new[] { 1, 1, Count }, backend);
}
