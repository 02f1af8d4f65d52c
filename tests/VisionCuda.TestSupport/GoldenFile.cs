using System.Text.Json;
using VisionCuda.Backends;

namespace VisionCuda.TestSupport;

/// <summary>
/// One PyTorch golden case written by tools/goldens/make_goldens.py:
/// <c>{"op": "...", "params": {...}, "tensors": {"x": {"shape": [..], "dtype": "float32", "data": [..]}, ...}}</c>.
/// Files are copied next to the test assembly under Goldens/data/ (see VisionCuda.Core.Tests.csproj).
/// </summary>
public sealed class GoldenFile
{
    private readonly JsonElement _params;
    private readonly JsonElement _tensors;

    private GoldenFile(string name, JsonElement root)
    {
        Name = name;
        Op = root.GetProperty("op").GetString() ?? throw new InvalidDataException($"golden '{name}': op is null");
        _params = root.TryGetProperty("params", out var p) ? p : default;
        _tensors = root.GetProperty("tensors");
    }

    /// <summary>The case name (file name without .json).</summary>
    public string Name { get; }

    /// <summary>The op the case exercises, as the script names it ("conv2d", "cross_entropy", ...).</summary>
    public string Op { get; }

    /// <summary>The folder the golden files are read from.</summary>
    public static string DataDirectory => Path.Combine(AppContext.BaseDirectory, "Goldens", "data");

    /// <summary>Loads Goldens/data/{name}.json from the test output folder.</summary>
    public static GoldenFile Load(string name)
    {
        var path = Path.Combine(DataDirectory, name + ".json");
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"golden '{name}' not found at {path}; regenerate with /usr/bin/python3 tools/goldens/make_goldens.py " +
                "and check the test csproj copies Goldens/data/*.json", path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return new GoldenFile(name, doc.RootElement.Clone());
    }

    /// <summary>The names of all golden cases present in the data folder, sorted.</summary>
    public static IReadOnlyList<string> AllNames()
        => Directory.Exists(DataDirectory)
            ? Directory.GetFiles(DataDirectory, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    /// <summary>True when params holds <paramref name="key"/> with a non-null value.</summary>
    public bool HasParam(string key)
        => _params.ValueKind == JsonValueKind.Object && _params.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>params[key] converted to <typeparamref name="T"/> (int, float, double, bool, string, int[], ...).</summary>
    public T Param<T>(string key)
    {
        if (_params.ValueKind != JsonValueKind.Object || !_params.TryGetProperty(key, out var v))
            throw new KeyNotFoundException($"golden '{Name}' has no param '{key}'");
        return v.Deserialize<T>() ?? throw new InvalidDataException($"golden '{Name}': param '{key}' is null");
    }

    /// <summary>params[key] when present and not null, else <paramref name="fallback"/>.</summary>
    public T Param<T>(string key, T fallback) => HasParam(key) ? Param<T>(key) : fallback;

    /// <summary>True when the case stores a tensor named <paramref name="key"/>.</summary>
    public bool Has(string key) => _tensors.TryGetProperty(key, out _);

    /// <summary>The names of the stored tensors, in file order.</summary>
    public IEnumerable<string> TensorNames => _tensors.EnumerateObject().Select(p => p.Name).ToArray();

    /// <summary>A float32 tensor: its shape ([] for a scalar) and row-major data.</summary>
    public (int[] Shape, float[] Data) Float(string key)
    {
        var (t, shape) = Element(key);
        var dtype = t.TryGetProperty("dtype", out var d) ? d.GetString() : "float32";
        if (dtype != "float32")
            throw new InvalidDataException($"golden '{Name}': tensor '{key}' is {dtype}, not float32");
        var arr = t.GetProperty("data");
        var data = new float[arr.GetArrayLength()];
        int i = 0;
        foreach (var e in arr.EnumerateArray()) data[i++] = e.GetSingle();
        Check(key, shape, data.Length);
        return (shape, data);
    }

    /// <summary>An int32 tensor (class targets): its shape and row-major data.</summary>
    public (int[] Shape, int[] Data) Int(string key)
    {
        var (t, shape) = Element(key);
        var dtype = t.TryGetProperty("dtype", out var d) ? d.GetString() : null;
        if (dtype != "int32")
            throw new InvalidDataException($"golden '{Name}': tensor '{key}' is {dtype ?? "untyped"}, not int32");
        var arr = t.GetProperty("data");
        var data = new int[arr.GetArrayLength()];
        int i = 0;
        foreach (var e in arr.EnumerateArray()) data[i++] = e.GetInt32();
        Check(key, shape, data.Length);
        return (shape, data);
    }

    /// <summary>The float tensor <paramref name="key"/> as a <see cref="Tensor"/> on <paramref name="backend"/> (default device when null).</summary>
    public Tensor ToTensor(string key, bool requiresGrad = false, IBackend? backend = null)
    {
        var (shape, data) = Float(key);
        return Tensor.FromArray(data, shape, backend, requiresGrad);
    }

    /// <summary>The int32 tensor <paramref name="key"/> (class targets) as a <see cref="Tensor"/>.</summary>
    public Tensor ToIntTensor(string key, IBackend? backend = null)
    {
        var (shape, data) = Int(key);
        return Tensor.FromArray(data, shape, backend);
    }

    /// <summary>
    /// Asserts that <paramref name="actual"/> has the shape of golden tensor <paramref name="key"/> and values within
    /// atol + rtol*|expected| (see <see cref="Close.AssertAllClose(float[], float[], int[], double, double, string)"/>).
    /// A null <paramref name="actual"/> (e.g. a gradient that was never computed) fails with a clear message.
    /// </summary>
    public void AssertClose(string key, Tensor? actual, double rtol, double atol)
    {
        var what = $"{Name}.{key}";
        if (actual is null) throw new Xunit.Sdk.XunitException($"{what}: got null (gradient not computed?)");
        var (shape, expected) = Float(key);
        if (!shape.SequenceEqual(actual.Shape))
            throw new Xunit.Sdk.XunitException($"{what}: shape [{string.Join(",", actual.Shape)}], expected [{string.Join(",", shape)}]");
        Close.AssertAllClose(expected, actual.ToArray(), shape, rtol, atol, what);
    }

    private (JsonElement Element, int[] Shape) Element(string key)
    {
        if (!_tensors.TryGetProperty(key, out var t))
            throw new KeyNotFoundException($"golden '{Name}' has no tensor '{key}' (has: {string.Join(", ", TensorNames)})");
        var shape = t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return (t, shape);
    }

    private void Check(string key, int[] shape, int count)
    {
        long n = 1;
        foreach (var s in shape) n *= s;
        if (n != count)
            throw new InvalidDataException($"golden '{Name}': tensor '{key}' has shape [{string.Join(",", shape)}] but {count} values");
    }

    public override string ToString() => $"golden {Name} ({Op})";
}
