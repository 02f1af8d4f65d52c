using OpenCvSharp;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Training.Predict;

/// <summary>
/// The one shape of every task's predictor: <c>Predict(...)</c> on a file path, an encoded image in a Stream, or an
/// in-memory image (an OpenCvSharp Mat in RGB or gray order, as ImageIO.Read gives), and on a whole source (a file or a directory, sorted) with a
/// per-image callback; each takes a CancellationToken, checked between images.
/// </summary>
public interface IPredictor<TResult> : IDisposable
{
    /// <summary>The class names of the model.</summary>
    IReadOnlyList<string> Names { get; }

    TResult Predict(string imagePath, CancellationToken cancellationToken = default);

    /// <summary>An encoded image (JPEG, PNG, ...) read to its end; <paramref name="name"/> labels the result and any error.</summary>
    TResult Predict(Stream encoded, string name, CancellationToken cancellationToken = default);

    /// <summary>An image already in memory (not modified or disposed).</summary>
    TResult Predict(Mat image, string name, CancellationToken cancellationToken = default);

    /// <summary>Every supported image of a file or directory (sorted); unreadable images are skipped with a warning.</summary>
    IReadOnlyList<TResult> PredictSource(string source, Action<string>? warn = null, Action<TResult, int, int>? onImage = null,
        CancellationToken cancellationToken = default);
}

/// <summary>The Stream overload, the same for every predictor: decode, then predict the in-memory image.</summary>
public static class PredictorStreams
{
    public static TResult PredictEncoded<TResult>(IPredictor<TResult> predictor, Stream encoded, string name, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        encoded.CopyTo(buffer);
        using var image = ImageIO.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name);
        return predictor.Predict(image, name, cancellationToken);
    }
}
