using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>Dropout masks from Philox: kernels/random.cu.</summary>
public sealed partial class CudaBackend
{
    public void DropoutMask(Storage mask, long count, float p, ulong seed, ulong offset) =>
        Launch1D(K.vc_dropout_mask_f32, count, P(mask), count, p, 1f / (1f - p), seed, offset);
}
