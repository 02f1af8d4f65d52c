using System.Buffers.Binary;

namespace VisionCuda.Vision.Detection;

/// <summary>Reads an image's width and height from the PNG, JPEG or BMP header without decoding the pixels, so a
/// data set scan stays fast. Returns false for other formats or a header it cannot make sense of.</summary>
public static class ImageHeader
{
    public static bool TryReadSize(string path, out int width, out int height)
    {
        width = height = 0;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            Span<byte> head = stackalloc byte[26];
            int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (n >= 24 && head[0] == 0x89 && head[1] == (byte)'P' && head[2] == (byte)'N' && head[3] == (byte)'G')
            {
                width = BinaryPrimitives.ReadInt32BigEndian(head[16..]);
                height = BinaryPrimitives.ReadInt32BigEndian(head[20..]);
                return width > 0 && height > 0;
            }
            if (n >= 26 && head[0] == (byte)'B' && head[1] == (byte)'M')
            {
                width = BinaryPrimitives.ReadInt32LittleEndian(head[18..]);
                height = Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(head[22..]));
                return width > 0 && height > 0;
            }
            if (n >= 4 && head[0] == 0xFF && head[1] == 0xD8)
                return TryJpeg(fs, out width, out height);
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool TryJpeg(FileStream fs, out int width, out int height)
    {
        width = height = 0;
        fs.Position = 2;
        Span<byte> seg = stackalloc byte[8];
        while (true)
        {
            int b = fs.ReadByte();
            if (b < 0) return false;
            if (b != 0xFF) return false;
            int marker;
            do { marker = fs.ReadByte(); } while (marker == 0xFF);
            if (marker < 0) return false;
            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7) continue; // no length
            if (marker == 0xD9 || marker == 0xDA) return false; // end / scan before a frame header
            if (fs.ReadAtLeast(seg[..2], 2, false) < 2) return false;
            int len = (seg[0] << 8) | seg[1];
            if (len < 2) return false;
            bool sof = marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC);
            if (sof)
            {
                if (fs.ReadAtLeast(seg[..5], 5, false) < 5) return false;
                height = (seg[1] << 8) | seg[2];
                width = (seg[3] << 8) | seg[4];
                return width > 0 && height > 0;
            }
            fs.Position += len - 2;
            if (fs.Position >= fs.Length) return false;
        }
    }
}
