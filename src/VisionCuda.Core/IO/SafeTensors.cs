using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using VisionCuda.Backends;

namespace VisionCuda.IO;

/// <summary>
/// Reader and writer for the safetensors format (https://github.com/huggingface/safetensors):
/// an 8-byte little-endian header length N, N bytes of JSON header, then the raw little-endian tensor data.
/// The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
/// data section) and may hold "__metadata__", a string-to-string map.
///
/// Writing is deterministic: tensors in the order given, metadata keys in ordinal order, compact JSON, the header
/// padded with spaces to a multiple of 8 bytes. Weights files carry only what rebuilds the model (conventions.md).
///
/// Reading treats the file as hostile: the header length is bounded, offsets must lie in the data section and
/// not overlap, and each tensor's byte length must equal its shape's element count times the dtype size.
/// Every problem is a <see cref="SafeTensorsFormatException"/> naming the file (and the tensor, where there is one).
/// Supported dtypes: F32 and I32.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (100 MB), whatever the file claims.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    public const string MetadataKey = "__metadata__";

    // ---- writing -----------------------------------------------------------------------------------------

    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = Serialize(tensors, metadata);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        // Write to a sibling temp file and rename, so that a crash never leaves a half-written checkpoint.
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The file's bytes for the given tensors and metadata.</summary>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in list)
        {
            if (name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' cannot be a tensor name");
            if (!names.Add(name)) throw new ArgumentException($"duplicate tensor name '{name}'");
            if (t.DType is not (DType.Float32 or DType.Int32)) throw new ArgumentException($"tensor '{name}': dtype {t.DType} cannot be saved yet (F32 and I32 only)");
        }

        using var headerStream = new MemoryStream();
        using (var w = new Utf8JsonWriter(headerStream, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var key in metadata.Keys.OrderBy(k => k, StringComparer.Ordinal))
                    w.WriteString(key, metadata[key]);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in list)
            {
                long bytes = t.Numel * 4;
                w.WriteStartObject(name);
                w.WriteString("dtype", t.DType == DType.Float32 ? "F32" : "I32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        var header = headerStream.ToArray();
        int padded = (header.Length + 7) / 8 * 8;
        long dataBytes = list.Sum(kv => kv.Value.Numel * 4);
        long total = 8 + padded + dataBytes;
        if (total > Array.MaxLength) throw new ArgumentException($"safetensors file of {total} bytes is too large to build in memory");
        var result = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        header.CopyTo(result, 8);
        for (int i = 8 + header.Length; i < 8 + padded; i++) result[i] = (byte)' ';
        long pos = 8 + padded;
        foreach (var (_, t) in list)
        {
            var dst = result.AsSpan((int)pos, (int)(t.Numel * 4));
            if (t.DType == DType.Float32)
            {
                var data = t.ToArray();
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts");
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).CopyTo(dst);
            }
            else
            {
                var data = t.ToIntArray();
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).CopyTo(dst);
            }
            pos += t.Numel * 4;
        }
        return result;
    }

    // ---- reading -----------------------------------------------------------------------------------------

    /// <summary>Reads every tensor onto <paramref name="backend"/> (the default backend when null).</summary>
    public static SafeTensorsFile Load(string path, IBackend? backend = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafeTensorsFormatException(path, $"cannot read the file: {e.Message}", e);
        }
        return Parse(bytes, path, backend);
    }

    /// <summary>Reads only the header's metadata (cheap: the tensor data is not read).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        try
        {
            using var fs = File.OpenRead(path);
            var (entries, metadata, _) = ReadHeader(fs, fs.Length, path);
            _ = entries;
            return metadata;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafeTensorsFormatException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>Parses an in-memory file; <paramref name="sourceName"/> names it in error messages.</summary>
    public static SafeTensorsFile Parse(byte[] bytes, string sourceName, IBackend? backend = null)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        var (entries, metadata, dataStart) = ReadHeader(ms, bytes.Length, sourceName);
        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in entries)
            {
                var span = bytes.AsSpan((int)(dataStart + e.Begin), (int)(e.End - e.Begin));
                Tensor t;
                if (e.DType == DType.Float32)
                {
                    var data = new float[e.End - e.Begin >> 2];
                    span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
                    t = Tensor.FromArray(data, e.Shape, backend);
                }
                else
                {
                    var data = new int[e.End - e.Begin >> 2];
                    span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
                    t = Tensor.FromArray(data, e.Shape, backend);
                }
                tensors.Add(e.Name, t.DetachFromScope());
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new SafeTensorsFile(sourceName, tensors, metadata);
    }

    private sealed record Entry(string Name, DType DType, int[] Shape, long Begin, long End);

    private static (List<Entry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart) ReadHeader(Stream s, long fileLength, string file)
    {
        if (fileLength < 8) throw new SafeTensorsFormatException(file, $"file is {fileLength} bytes, too short for the 8-byte header length");
        Span<byte> lenBytes = stackalloc byte[8];
        s.ReadExactly(lenBytes);
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (headerLen > (ulong)MaxHeaderBytes)
            throw new SafeTensorsFormatException(file, $"header length {headerLen} exceeds the {MaxHeaderBytes}-byte limit (corrupt or not a safetensors file)");
        if (headerLen > (ulong)(fileLength - 8))
            throw new SafeTensorsFormatException(file, $"header length {headerLen} exceeds the {fileLength - 8} bytes after the length field (truncated or corrupt file)");
        if (headerLen < 2) throw new SafeTensorsFormatException(file, $"header length {headerLen} is too small for a JSON object");
        var header = new byte[headerLen];
        s.ReadExactly(header);
        long dataStart = 8 + (long)headerLen;
        long dataLength = fileLength - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(file, $"header is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(file, "header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name)) throw new SafeTensorsFormatException(file, $"duplicate key '{prop.Name}' in the header");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(file, "'__metadata__' is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new SafeTensorsFormatException(file, $"metadata value '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop, dataLength, file));
            }
            // Offsets must not overlap (sorted by begin, each ends before the next starts).
            var sorted = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            Entry? furthest = null;
            foreach (var b in sorted)
            {
                if (furthest is not null && b.Begin < furthest.End)
                    throw new SafeTensorsFormatException(file, $"tensor '{b.Name}' data [{b.Begin}, {b.End}) overlaps tensor '{furthest.Name}' data [{furthest.Begin}, {furthest.End})");
                if (furthest is null || b.End > furthest.End) furthest = b;
            }
            return (entries, metadata, dataStart);
        }
    }

    private static Entry ParseEntry(JsonProperty prop, long dataLength, string file)
    {
        string name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(file, $"tensor '{name}': header entry is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': missing or non-string 'dtype'");
        string dtypeName = dt.GetString()!;
        DType dtype = dtypeName switch
        {
            "F32" => DType.Float32,
            "I32" => DType.Int32,
            _ => throw new SafeTensorsFormatException(file, $"tensor '{name}': unsupported dtype '{dtypeName}' (supported: F32, I32)"),
        };
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': missing or non-array 'shape'");
        if (sh.GetArrayLength() > 8) throw new SafeTensorsFormatException(file, $"tensor '{name}': rank {sh.GetArrayLength()} is larger than 8");
        var shape = new int[sh.GetArrayLength()];
        long numel = 1;
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int di) || di < 0)
                throw new SafeTensorsFormatException(file, $"tensor '{name}': shape entry {d.GetRawText()} is not a non-negative 32-bit integer");
            shape[k++] = di;
            if (di != 0 && numel > long.MaxValue / 4 / di)
                throw new SafeTensorsFormatException(file, $"tensor '{name}': shape {Shapes.Format(shape)} is too large");
            numel *= di;
        }
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': 'data_offsets' must be an array [begin, end]");
        if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end))
            throw new SafeTensorsFormatException(file, $"tensor '{name}': data_offsets are not integers");
        if (begin < 0 || end < begin)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': invalid data_offsets [{begin}, {end}]");
        if (end > dataLength)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': data_offsets [{begin}, {end}] run past the end of the data ({dataLength} bytes; truncated file?)");
        long expected = numel * dtype.SizeInBytes();
        if (end - begin != expected)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': shape {Shapes.Format(shape)} of {dtypeName} needs {expected} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        if (expected > int.MaxValue) throw new SafeTensorsFormatException(file, $"tensor '{name}': {expected} bytes is larger than supported");
        return new Entry(name, dtype, shape, begin, end);
    }
}

/// <summary>The tensors (in file order) and metadata of a safetensors file. Disposing it disposes the tensors.</summary>
public sealed class SafeTensorsFile : IDisposable
{
    public SafeTensorsFile(string path, OrderedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }

    public OrderedDictionary<string, Tensor> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
        Tensors.Clear();
    }
}

/// <summary>A malformed, truncated or hostile safetensors file. The message starts with the file's path.</summary>
public sealed class SafeTensorsFormatException : Exception
{
    public SafeTensorsFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: invalid safetensors file: {problem}", inner)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
