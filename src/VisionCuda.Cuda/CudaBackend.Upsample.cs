using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>Nearest and bilinear resize: kernels/upsample.cu.</summary>
public sealed partial class CudaBackend
{
    public void Upsample(InterpolationMode mode, bool alignCorners, Storage x, Storage y, long planes, int h, int w, int outH, int outW) =>
        Launch1D(K.vc_upsample_f32, planes * outH * outW, P(x), P(y), planes, h, w, outH, outW, (int)mode, alignCorners ? 1 : 0);

    public void UpsampleBackward(InterpolationMode mode, bool alignCorners, Storage dy, Storage dx, long planes, int h, int w, int outH, int outW) =>
        Launch1D(K.vc_upsample_bwd_f32, planes * h * w, P(dy), P(dx), planes, h, w, outH, outW, (int)mode, alignCorners ? 1 : 0);
}
