using System.Buffers.Binary;
using System.IO.Compression;

namespace VisionCuda.Vision.Data;

/// <summary>
/// The idx format of the MNIST files (LeCun et al.): big-endian magic 0x00 0x00 type ndim, then ndim big-endian
/// int32 sizes, then the data. Only unsigned bytes (type 0x08) are supported. A trailing ".gz" is gunzipped.
/// </summary>
public static class IdxFile
{
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        byte[] raw;
        try
        {
            raw = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gunzip(path) : File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new DatasetException(path, $"cannot read idx file {path}: {e.Message}", e);
        }
        if (raw.Length < 4 || raw[0] != 0 || raw[1] != 0)
            throw new DatasetException(path, $"{path} is not an idx file (bad magic)");
        if (raw[2] != 0x08) throw new DatasetException(path, $"{path}: idx element type 0x{raw[2]:x2} is not supported (only unsigned byte)");
        int ndim = raw[3];
        if (raw.Length < 4 + 4 * ndim) throw new DatasetException(path, $"{path}: truncated idx header");
        var shape = new int[ndim];
        long count = 1;
        for (int d = 0; d < ndim; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * d));
            if (shape[d] < 0) throw new DatasetException(path, $"{path}: negative size in idx header");
            count *= shape[d];
        }
        int offset = 4 + 4 * ndim;
        if (raw.Length - offset < count) throw new DatasetException(path, $"{path}: idx data truncated ({raw.Length - offset} of {count} bytes)");
        return (shape, raw.AsSpan(offset, (int)count).ToArray());
    }

    /// <summary>Writes an unsigned-byte idx file (tests and fixtures).</summary>
    public static void Write(string path, int[] shape, ReadOnlySpan<byte> data)
    {
        using var fs = File.Create(path);
        Span<byte> header = stackalloc byte[4 + 4 * shape.Length];
        header[2] = 0x08;
        header[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.Slice(4 + 4 * d), shape[d]);
        fs.Write(header);
        fs.Write(data);
    }

    private static byte[] Gunzip(string path)
    {
        using var fs = File.OpenRead(path);
        using var gz = new GZipStream(fs, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
