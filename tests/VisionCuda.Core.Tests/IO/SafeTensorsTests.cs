using System.Buffers.Binary;
using System.Text;
using VisionCuda.IO;

namespace VisionCuda.Core.Tests.IO;

/// <summary>safetensors round trip, determinism, and hostile files: every error is a SafeTensorsFormatException naming the file.</summary>
public class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vc-st-{Guid.NewGuid():N}");

    public SafeTensorsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] File_(string header, byte[]? data = null, ulong? claimedLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        data ??= Array.Empty<byte>();
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private SafeTensorsFormatException Bad(string name, byte[] bytes, params string[] expected)
    {
        string path = Write(name, bytes);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Equal(path, e.FilePath);
        foreach (var s in expected) Assert.Contains(s, e.Message);
        return e;
    }

    [Fact]
    public void RoundTripKeepsOrderValuesAndMetadata()
    {
        var a = Tensor.FromArray(new float[] { 1.5f, -2f, float.MaxValue, 0f, 3f, 4f }, new[] { 2, 3 });
        var b = Tensor.FromArray(new[] { 7, -1 }, new[] { 2 });
        var s = Tensor.Scalar(0.25f);
        var meta = new Dictionary<string, string> { ["task"] = "classify", ["names"] = "[\"cat\",\"dog\"]", ["nc"] = "2" };
        string path = Path.Combine(_dir, "ok.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["z.weight"] = a, ["a.count"] = b, ["scalar"] = s }, meta);
        using var f = SafeTensors.Load(path);
        Assert.Equal(new[] { "z.weight", "a.count", "scalar" }, f.Tensors.Keys);
        Assert.Equal(a.ToArray(), f.Tensors["z.weight"].ToArray());
        Assert.Equal(new[] { 2, 3 }, f.Tensors["z.weight"].Shape);
        Assert.Equal(new[] { 7, -1 }, f.Tensors["a.count"].ToIntArray());
        Assert.Empty(f.Tensors["scalar"].Shape);
        Assert.Equal(meta, f.Metadata);
        Assert.Equal(meta, SafeTensors.ReadMetadata(path));

        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8); // header padded to 8 bytes
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.StartsWith("{\"__metadata__\":{\"names\":\"[\\\"cat\\\",\\\"dog\\\"]\",\"nc\":\"2\",\"task\":\"classify\"},\"z.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", header);

        // Deterministic: same tensors, same bytes.
        Assert.Equal(bytes, SafeTensors.Serialize(new Dictionary<string, Tensor> { ["z.weight"] = a, ["a.count"] = b, ["scalar"] = s }, meta));
    }

    [Fact]
    public void ReadsFilesWrittenByTheReferenceLayout()
    {
        // As the Python safetensors package writes it: no metadata, tensors sorted, header padded with spaces.
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 1f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), 2f);
        var f = SafeTensors.Parse(File_("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}      ", data), "mem");
        Assert.Equal(new[] { 1f, 2f }, f.Tensors["w"].ToArray());
        f.Dispose();
    }

    [Fact]
    public void TruncatedFiles()
    {
        Bad("tiny.safetensors", new byte[] { 1, 2, 3 }, "too short");
        var good = File_("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[16]);
        Bad("cut-data.safetensors", good[..^4], "tensor 'w'", "run past the end", "truncated");
        Bad("cut-header.safetensors", good[..20], "header length", "exceeds");
    }

    [Fact]
    public void HugeHeaderLength()
    {
        Bad("huge.safetensors", File_("{}", claimedLength: ulong.MaxValue), "exceeds the 104857600-byte limit");
        Bad("long.safetensors", File_("{}", claimedLength: 1000), "header length 1000 exceeds");
    }

    [Fact]
    public void OverlappingOffsets()
    {
        Bad("overlap.safetensors",
            File_("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
            "overlaps", "'a'", "'b'");
        Bad("contained.safetensors",
            File_("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[16]),
            "overlaps");
        Bad("reversed.safetensors", File_("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", new byte[12]), "tensor 'a'", "invalid data_offsets");
        Bad("negative.safetensors", File_("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", new byte[12]), "tensor 'a'", "invalid data_offsets");
    }

    [Fact]
    public void BadDtype()
    {
        Bad("f16.safetensors", File_("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]),
            "tensor 'w'", "unsupported dtype 'F16'", "F32, I32");
        Bad("nodtype.safetensors", File_("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]), "tensor 'w'", "dtype");
    }

    [Fact]
    public void ShapeDoesNotMatchByteLength()
    {
        Bad("shape.safetensors", File_("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
            "tensor 'w'", "[3]", "needs 12 bytes", "span 8");
        Bad("negdim.safetensors", File_("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8]), "tensor 'w'", "shape entry -2");
        Bad("hugedim.safetensors", File_("{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", new byte[8]), "tensor 'w'", "too large");
    }

    [Fact]
    public void MalformedHeaders()
    {
        Bad("notjson.safetensors", File_("{not json", new byte[0]), "not valid JSON");
        Bad("array.safetensors", File_("[1,2,3]"), "not a JSON object");
        Bad("dup.safetensors", File_("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"), "duplicate key 'w'");
        Bad("meta.safetensors", File_("{\"__metadata__\":{\"nc\":3}}"), "metadata value 'nc' is not a string");
        Bad("deep.safetensors", File_("{\"w\":" + new string('[', 100) + new string(']', 100) + "}"), "not valid JSON");
        var missing = Path.Combine(_dir, "absent.safetensors");
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(missing));
        Assert.Contains(missing, e.Message);
    }
}
