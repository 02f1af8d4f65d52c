using OpenCvSharp;

namespace VisionCuda.Vision.Imaging;

/// <summary>
/// Image file I/O through OpenCvSharp. Every image in the pipeline is an 8-bit HWC <see cref="Mat"/> in RGB order
/// (3 channels) or gray (1 channel): OpenCV's BGR is converted once here at the boundary, so the rest of the code
/// never thinks about channel order. Decoding failures become <see cref="ImageDecodeException"/> naming the file.
/// </summary>
public static class ImageIO
{
    /// <summary>Extensions (lower case, with the dot) that ImageFolder and predict pick up.</summary>
    public static readonly IReadOnlyList<string> SupportedExtensions =
        [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];

    public static bool IsSupported(string path) =>
        SupportedExtensions.Contains(System.IO.Path.GetExtension(path).ToLowerInvariant());

    /// <summary>The images of a predict source: the file itself, or the supported files under a folder (recursive,
    /// sorted by path). A missing path or a folder without images raises <see cref="Data.DatasetException"/>.</summary>
    public static IReadOnlyList<string> FindImages(string source)
    {
        string full = System.IO.Path.GetFullPath(source);
        if (File.Exists(full)) return [full];
        if (!Directory.Exists(full)) throw new Data.DatasetException(full, $"source not found: {full}");
        var files = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Where(IsSupported)
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new Data.DatasetException(full, $"no images found in {full} (supported: {string.Join(" ", SupportedExtensions)})");
        return files;
    }

    /// <summary>Reads a file as RGB (channels 3) or gray (channels 1), 8-bit HWC. Caller disposes.</summary>
    public static Mat Read(string path, int channels = 3)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, e.Message, e);
        }
        return Decode(bytes, path, channels);
    }

    /// <summary>Decodes encoded bytes (any format OpenCV reads); <paramref name="name"/> is used in errors.</summary>
    public static Mat Decode(ReadOnlySpan<byte> encoded, string name, int channels = 3)
    {
        CheckChannels(channels);
        if (encoded.Length == 0) throw new ImageDecodeException(name, "file is empty");
        Mat decoded;
        try
        {
            decoded = Cv2.ImDecode(encoded, channels == 1 ? ImreadModes.Grayscale : ImreadModes.Color);
        }
        catch (OpenCVException e)
        {
            throw new ImageDecodeException(name, e.Message, e);
        }
        if (decoded.Empty() || decoded.Width <= 0 || decoded.Height <= 0)
        {
            decoded.Dispose();
            throw new ImageDecodeException(name, "not a readable image");
        }
        if (channels == 1) return decoded;
        Cv2.CvtColor(decoded, decoded, ColorConversionCodes.BGR2RGB);
        return decoded;
    }

    /// <summary>Writes an RGB or gray 8-bit image; the format follows the extension.</summary>
    public static void Write(string path, Mat image)
    {
        string? dir = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        if (image.Channels() == 3)
        {
            using var bgr = new Mat();
            Cv2.CvtColor(image, bgr, ColorConversionCodes.RGB2BGR);
            Encode(path, bgr);
        }
        else
        {
            Encode(path, image);
        }
    }

    private static void Encode(string path, Mat image)
    {
        Cv2.ImEncode(System.IO.Path.GetExtension(path), image, out byte[] buf);
        File.WriteAllBytes(path, buf);
    }

    /// <summary>Converts to the wanted channel count (gray to RGB replicates, RGB to gray uses BT.601 weights).</summary>
    public static Mat ToChannels(Mat image, int channels)
    {
        CheckChannels(channels);
        int have = image.Channels();
        if (have == channels) return image.Clone();
        var dst = new Mat();
        if (have == 1 && channels == 3) Cv2.CvtColor(image, dst, ColorConversionCodes.GRAY2RGB);
        else if (have == 3 && channels == 1) Cv2.CvtColor(image, dst, ColorConversionCodes.RGB2GRAY);
        else if (have == 4 && channels == 3) Cv2.CvtColor(image, dst, ColorConversionCodes.RGBA2RGB);
        else if (have == 4 && channels == 1) Cv2.CvtColor(image, dst, ColorConversionCodes.RGBA2GRAY);
        else throw new ArgumentException($"cannot convert a {have}-channel image to {channels} channels");
        return dst;
    }

    internal static void CheckChannels(int channels)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 or 3");
    }
}
