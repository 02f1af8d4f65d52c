namespace VisionCuda.Cuda;

/// <summary>
/// A CUDA driver or cuBLAS failure. Carries the error name and string from the driver and, when a kernel was
/// involved, its name and launch configuration, so the message a user sees points at the kernel that failed.
/// Launch errors are reported asynchronously by CUDA; an error found at a later sync names the last kernel
/// launched before it ("during or after").
/// </summary>
public sealed class CudaException : Exception
{
    public CudaException(string message) : base(message)
    {
        ErrorName = "";
        ErrorString = message;
    }

    public CudaException(int code, string errorName, string errorString, string call, string? kernel = null, string? launchConfig = null, string? detail = null)
        : base(Format(code, errorName, errorString, call, kernel, launchConfig, detail))
    {
        Code = code;
        ErrorName = errorName;
        ErrorString = errorString;
        Call = call;
        KernelName = kernel;
        LaunchConfig = launchConfig;
    }

    public int Code { get; }
    public string ErrorName { get; }
    public string ErrorString { get; }
    public string? Call { get; }
    public string? KernelName { get; }
    public string? LaunchConfig { get; }

    private static string Format(int code, string name, string str, string call, string? kernel, string? cfg, string? detail)
    {
        var s = $"{call} failed: {name} ({code}): {str}";
        if (kernel is not null) s += $"; kernel {kernel}";
        if (cfg is not null) s += $" {cfg}";
        if (!string.IsNullOrWhiteSpace(detail)) s += Environment.NewLine + detail.Trim();
        return s;
    }
}
