using VisionCuda.Backends;

namespace VisionCuda.Cuda;

public sealed partial class CudaBackend
{
    /// <summary>Scratch budget for im2col columns per chunk of images (the chunk is at least one image).</summary>
    public long ConvWorkspaceBytes { get; set; } = 256L << 20;

    private static bool IsPointwise(in Conv2dGeometry g) =>
        g.R == 1 && g.S == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadH == 0 && g.PadW == 0;

    private int ChunkImages(in Conv2dGeometry g, long floatsPerImage)
    {
        long per = Math.Max(1, floatsPerImage * 4);
        return (int)Math.Clamp(ConvWorkspaceBytes / per, 1, g.N);
    }

    private void Im2Col(in Conv2dGeometry g, DevPtr x, DevPtr col, int nb, long strideN, long strideCrs)
    {
        long total = (long)nb * g.C * g.R * g.S * g.OutH * g.OutW;
        Launch1D(K.vc_im2col_f32, total, x, col, nb, g.C, g.H, g.W, g.R, g.S, g.StrideH, g.StrideW, g.PadH, g.PadW,
            g.DilationH, g.DilationW, g.OutH, g.OutW, strideN, strideCrs);
    }

    public void Conv2dForward(in Conv2dGeometry g, Storage x, Storage w, Storage? bias, Storage y)
    {
        int oh = g.OutH, ow = g.OutW;
        long p = (long)oh * ow;
        if (g.Groups != 1)
        {
            Launch1D(K.vc_conv2d_fwd_direct_f32, g.OutputCount, P(x), P(w), P(bias, optional: true), P(y), Direct(g));
            return;
        }
        long crs = (long)g.C * g.R * g.S;
        long imageIn = (long)g.C * g.H * g.W, imageOut = (long)g.K * p;
        if (IsPointwise(g))
        {
            GemmCore(false, false, g.K, (int)p, g.C, 1f, P(w), 0, P(x), imageIn, 0f, P(y), imageOut, g.N);
        }
        else
        {
            int nb = ChunkImages(g, crs * p);
            using var col = new Temp(this, nb * crs * p);
            for (int n0 = 0; n0 < g.N; n0 += nb)
            {
                int cnt = Math.Min(nb, g.N - n0);
                Im2Col(g, S(x).At(n0 * imageIn), col.Ptr, cnt, crs * p, p);
                GemmCore(false, false, g.K, (int)p, (int)crs, 1f, P(w), 0, col.Ptr, crs * p, 0f, S(y).At(n0 * imageOut), imageOut, cnt);
            }
        }
        if (bias is not null)
            Launch1D(K.vc_bias_add_nchw_f32, g.OutputCount, P(y), P(bias), g.OutputCount, g.K, p);
    }

    public void Conv2dBackwardData(in Conv2dGeometry g, Storage dy, Storage w, Storage dx)
    {
        long p = (long)g.OutH * g.OutW;
        if (g.Groups != 1)
        {
            Launch1D(K.vc_conv2d_bwd_data_direct_f32, g.InputCount, P(dy), P(w), P(dx), Direct(g));
            return;
        }
        long crs = (long)g.C * g.R * g.S;
        long imageIn = (long)g.C * g.H * g.W, imageOut = (long)g.K * p;
        if (IsPointwise(g))
        {
            GemmCore(true, false, g.C, (int)p, g.K, 1f, P(w), 0, P(dy), imageOut, 0f, P(dx), imageIn, g.N);
            return;
        }
        int nb = ChunkImages(g, crs * p);
        using var col = new Temp(this, nb * crs * p);
        for (int n0 = 0; n0 < g.N; n0 += nb)
        {
            int cnt = Math.Min(nb, g.N - n0);
            GemmCore(true, false, (int)crs, (int)p, g.K, 1f, P(w), 0, S(dy).At(n0 * imageOut), imageOut, 0f, col.Ptr, crs * p, cnt);
            long total = (long)cnt * imageIn;
            Launch1D(K.vc_col2im_f32, total, col.Ptr, S(dx).At(n0 * imageIn), cnt, g.C, g.H, g.W, g.R, g.S,
                g.StrideH, g.StrideW, g.PadH, g.PadW, g.DilationH, g.DilationW, g.OutH, g.OutW, crs * p, p);
        }
    }

    public void Conv2dBackwardWeight(in Conv2dGeometry g, Storage x, Storage dy, Storage dw, Storage? dbias)
    {
        long p = (long)g.OutH * g.OutW;
        if (dbias is not null)
            LaunchRows(K.vc_bias_grad_f32, g.K, P(dy), P(dbias), g.N, g.K, p);
        if (g.Groups != 1)
        {
            LaunchRows(K.vc_conv2d_bwd_weight_direct_f32, g.WeightCount, P(x), P(dy), P(dw), Direct(g));
            return;
        }
        long crs = (long)g.C * g.R * g.S;
        long imageIn = (long)g.C * g.H * g.W, imageOut = (long)g.K * p;
        // Per chunk of nb images: col [CRS][nb*P] and dy as [K][nb*P]; dW (+)= dyP * col^T, chunks in order.
        int nb = ChunkImages(g, (crs + g.K) * p);
        using var col = new Temp(this, nb * crs * p);
        using var dyp = new Temp(this, nb > 1 ? nb * imageOut : 1);
        for (int n0 = 0; n0 < g.N; n0 += nb)
        {
            int cnt = Math.Min(nb, g.N - n0);
            long l = cnt * p;
            Im2Col(g, S(x).At(n0 * imageIn), col.Ptr, cnt, p, l);
            DevPtr dyChunk = S(dy).At(n0 * imageOut);
            if (cnt > 1)
            {
                Transpose01(dyChunk, dyp.Ptr, cnt, g.K, p);
                dyChunk = dyp.Ptr;
            }
            GemmCore(false, true, g.K, (int)crs, (int)l, 1f, dyChunk, 0, col.Ptr, 0, n0 == 0 ? 0f : 1f, P(dw), 0, 1);
        }
    }

    /// <summary>The 16 geometry ints of the direct (grouped) kernels, in kernel parameter order.</summary>
    private static DirectArgs Direct(in Conv2dGeometry g) => new(g);

    private readonly struct DirectArgs(Conv2dGeometry g)
    {
        public readonly Conv2dGeometry G = g;
    }

    private void Launch1D(K k, long n, DevPtr a, DevPtr b, DevPtr c, DevPtr d, DirectArgs geo)
    {
        var g = geo.G;
        Launch1D(k, n, a, b, c, d, g.N, g.C, g.H, g.W, g.K, g.R, g.S, g.StrideH, g.StrideW, g.PadH, g.PadW,
            g.DilationH, g.DilationW, g.Groups, g.OutH, g.OutW);
    }

    private void Launch1D(K k, long n, DevPtr a, DevPtr b, DevPtr c, DirectArgs geo)
    {
        var g = geo.G;
        Launch1D(k, n, a, b, c, g.N, g.C, g.H, g.W, g.K, g.R, g.S, g.StrideH, g.StrideW, g.PadH, g.PadW,
            g.DilationH, g.DilationW, g.Groups, g.OutH, g.OutW);
    }

    private void LaunchRows(K k, long rows, DevPtr a, DevPtr b, DevPtr c, DirectArgs geo)
    {
        var g = geo.G;
        LaunchRows(k, rows, a, b, c, g.N, g.C, g.H, g.W, g.K, g.R, g.S, g.StrideH, g.StrideW, g.PadH, g.PadW,
            g.DilationH, g.DilationW, g.Groups, g.OutH, g.OutW);
    }
}
