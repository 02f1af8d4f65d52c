namespace VisionCuda.Backends;

/// <summary>
/// Everything a conv2d kernel needs to know, in NCHW with weights [K, C/groups, R, S].
/// conv_transpose2d reuses the same geometry with the roles of input and output swapped
/// (see <c>F.ConvTranspose2d</c>), so one set of three kernels serves both.
/// </summary>
public readonly record struct Conv2dGeometry(
    int N, int C, int H, int W,
    int K, int R, int S,
    int StrideH, int StrideW,
    int PadH, int PadW,
    int DilationH, int DilationW,
    int Groups)
{
    public int OutH => (H + 2 * PadH - DilationH * (R - 1) - 1) / StrideH + 1;
    public int OutW => (W + 2 * PadW - DilationW * (S - 1) - 1) / StrideW + 1;
    public int CPerGroup => C / Groups;
    public int KPerGroup => K / Groups;
    public long InputCount => (long)N * C * H * W;
    public long OutputCount => (long)N * K * OutH * OutW;
    public long WeightCount => (long)K * CPerGroup * R * S;

    /// <summary>Multiply-adds of the forward pass; backward-data and backward-weight each cost the same.</summary>
    public double ForwardFlops => 2.0 * N * K * OutH * OutW * CPerGroup * R * S;

    public void Validate()
    {
        if (N <= 0 || C <= 0 || H <= 0 || W <= 0 || K <= 0 || R <= 0 || S <= 0)
            throw new ArgumentException($"conv2d: all sizes must be positive: {this}");
        if (Groups <= 0 || C % Groups != 0 || K % Groups != 0)
            throw new ArgumentException($"conv2d: groups={Groups} must divide in_channels={C} and out_channels={K}");
        if (StrideH <= 0 || StrideW <= 0 || DilationH <= 0 || DilationW <= 0 || PadH < 0 || PadW < 0)
            throw new ArgumentException($"conv2d: stride and dilation must be positive and padding non-negative: {this}");
        if (OutH <= 0 || OutW <= 0)
            throw new ArgumentException($"conv2d: output would be empty ({OutH}x{OutW}) for {this}");
    }
}
