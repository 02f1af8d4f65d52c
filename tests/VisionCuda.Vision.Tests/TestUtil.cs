using OpenCvSharp;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Tests;

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vc-vision-" + Guid.NewGuid().ToString("N")[..12]);

    public TempDir() { Directory.CreateDirectory(Path); }

    public string Sub(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, true); } catch (IOException) { }
    }
}

internal static class TestImages
{
    /// <summary>A small RGB image with a gradient so crops and flips are visible.</summary>
    public static Mat Gradient(int w, int h, int seed = 0)
    {
        var m = new Mat(h, w, MatType.CV_8UC3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                m.Set(y, x, new Vec3b((byte)((x * 255 / Math.Max(1, w - 1) + seed) & 255), (byte)(y * 255 / Math.Max(1, h - 1)), (byte)((x * 7 + y * 13 + seed * 31) & 255)));
        return m;
    }

    public static void WritePng(string path, Mat image) => ImageIO.Write(path, image);

    public static byte[] Bytes(Mat m)
    {
        var b = new byte[m.Rows * m.Cols * m.Channels()];
        unsafe { new Span<byte>(m.DataPointer, b.Length).CopyTo(b); }
        return b;
    }
}
