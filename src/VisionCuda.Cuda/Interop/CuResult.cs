namespace VisionCuda.Cuda.Interop;

/// <summary>CUresult codes worth naming when the library cannot (cuGetErrorName missing or failing).</summary>
internal static class CuResult
{
    public static string Name(int code) => code switch
    {
        0 => "CUDA_SUCCESS",
        1 => "CUDA_ERROR_INVALID_VALUE",
        2 => "CUDA_ERROR_OUT_OF_MEMORY",
        3 => "CUDA_ERROR_NOT_INITIALIZED",
        100 => "CUDA_ERROR_NO_DEVICE",
        200 => "CUDA_ERROR_INVALID_IMAGE",
        209 => "CUDA_ERROR_NO_BINARY_FOR_GPU",
        218 => "CUDA_ERROR_INVALID_PTX",
        222 => "CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
        500 => "CUDA_ERROR_NOT_FOUND",
        700 => "CUDA_ERROR_ILLEGAL_ADDRESS",
        701 => "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
        719 => "CUDA_ERROR_LAUNCH_FAILED",
        _ => $"CUresult {code}",
    };

    public static string Describe(int code) => code switch
    {
        1 => "invalid argument",
        2 => "out of memory",
        3 => "initialization error",
        100 => "no CUDA-capable device is detected",
        200 => "device kernel image is invalid",
        209 => "no kernel image is available for execution on the device",
        218 => "a PTX JIT compilation failed",
        222 => "the provided PTX was compiled with an unsupported toolchain",
        500 => "named symbol not found",
        700 => "an illegal memory access was encountered",
        701 => "too many resources requested for launch",
        719 => "unspecified launch failure",
        _ => "unknown error",
    };

    public static string CublasStatus(int status) => status switch
    {
        0 => "CUBLAS_STATUS_SUCCESS",
        1 => "CUBLAS_STATUS_NOT_INITIALIZED",
        3 => "CUBLAS_STATUS_ALLOC_FAILED",
        7 => "CUBLAS_STATUS_INVALID_VALUE",
        8 => "CUBLAS_STATUS_ARCH_MISMATCH",
        11 => "CUBLAS_STATUS_MAPPING_ERROR",
        13 => "CUBLAS_STATUS_EXECUTION_FAILED",
        14 => "CUBLAS_STATUS_INTERNAL_ERROR",
        15 => "CUBLAS_STATUS_NOT_SUPPORTED",
        _ => $"cublasStatus {status}",
    };
}
