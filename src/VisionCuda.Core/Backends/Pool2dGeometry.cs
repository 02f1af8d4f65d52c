namespace VisionCuda.Backends;

/// <summary>Geometry of max/avg pooling over NCHW. Output size uses floor (or ceil with <see cref="CeilMode"/>), as PyTorch does.</summary>
public readonly record struct Pool2dGeometry(
    int N, int C, int H, int W,
    int KernelH, int KernelW,
    int StrideH, int StrideW,
    int PadH, int PadW,
    bool CeilMode = false,
    bool CountIncludePad = true)
{
    public int OutH => OutSize(H, KernelH, StrideH, PadH);
    public int OutW => OutSize(W, KernelW, StrideW, PadW);
    public long OutputCount => (long)N * C * OutH * OutW;

    private int OutSize(int size, int k, int s, int p)
    {
        int num = size + 2 * p - k;
        int o = (CeilMode ? (num + s - 1) / s : num / s) + 1;
        // PyTorch: the last window must start inside the input or left padding.
        if (CeilMode && (o - 1) * s >= size + p) o--;
        return o;
    }

    public void Validate()
    {
        if (KernelH <= 0 || KernelW <= 0 || StrideH <= 0 || StrideW <= 0)
            throw new ArgumentException($"pool2d: kernel and stride must be positive: {this}");
        if (PadH * 2 > KernelH || PadW * 2 > KernelW)
            throw new ArgumentException($"pool2d: padding must be at most half the kernel: {this}");
        if (OutH <= 0 || OutW <= 0)
            throw new ArgumentException($"pool2d: output would be empty for {this}");
    }
}
