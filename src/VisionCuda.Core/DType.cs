namespace VisionCuda;

/// <summary>
/// Element type of a tensor. Only <see cref="Float32"/> is computed today; the others are in the
/// design so that fp16/bf16 storage and kernels can follow without changing the contract.
/// <see cref="Int32"/> is used for class targets and pooling indices.
/// </summary>
public enum DType
{
    Float32 = 0,
    Float16 = 1,
    BFloat16 = 2,
    Int32 = 3,
}

public static class DTypeExtensions
{
    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Int32 => 4,
        DType.Float16 => 2,
        DType.BFloat16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };
}
