namespace VisionCuda.Vision.Data;

/// <summary>A data set that cannot be used as given (missing folder, no images, empty class folder, bad file
/// format). The message names the offending path and is meant to be shown to the user as is.</summary>
public sealed class DatasetException : Exception
{
    public string Path { get; }

    public DatasetException(string path, string message, Exception? inner = null) : base(message, inner)
    {
        Path = path;
    }
}
