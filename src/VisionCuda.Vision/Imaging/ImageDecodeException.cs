namespace VisionCuda.Vision.Imaging;

/// <summary>
/// An image file that could not be read or decoded (missing, truncated, not an image). Carries the path so the
/// loader can warn once naming the file and skip the sample instead of failing mid-epoch.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    public string Path { get; }

    public ImageDecodeException(string path, string reason, Exception? inner = null)
        : base($"cannot decode image '{path}': {reason}", inner)
    {
        Path = path;
    }
}
