using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>Max and average pooling: kernels/pool.cu.</summary>
public sealed partial class CudaBackend
{
    public void MaxPool2dForward(in Pool2dGeometry g, Storage x, Storage y, Storage indices)
    {
        long planes = (long)g.N * g.C;
        Launch1D(K.vc_maxpool2d_fwd_f32, g.OutputCount, P(x), P(y), P(indices), planes, g.H, g.W,
            g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, g.OutH, g.OutW);
    }

    public void MaxPool2dBackward(in Pool2dGeometry g, Storage dy, Storage indices, Storage dx)
    {
        long planes = (long)g.N * g.C;
        Launch1D(K.vc_maxpool2d_bwd_f32, planes * g.H * g.W, P(dy), P(indices), P(dx), planes, g.H, g.W,
            g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, g.OutH, g.OutW);
    }

    public void AvgPool2dForward(in Pool2dGeometry g, Storage x, Storage y)
    {
        long planes = (long)g.N * g.C;
        Launch1D(K.vc_avgpool2d_fwd_f32, g.OutputCount, P(x), P(y), planes, g.H, g.W,
            g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, g.OutH, g.OutW, g.CountIncludePad ? 1 : 0);
    }

    public void AvgPool2dBackward(in Pool2dGeometry g, Storage dy, Storage dx)
    {
        long planes = (long)g.N * g.C;
        Launch1D(K.vc_avgpool2d_bwd_f32, planes * g.H * g.W, P(dy), P(dx), planes, g.H, g.W,
            g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, g.OutH, g.OutW, g.CountIncludePad ? 1 : 0);
    }
}
