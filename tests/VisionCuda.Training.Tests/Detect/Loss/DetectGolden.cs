using System.Text.Json;

namespace VisionCuda.Training.Tests.Detect.Loss;

// Reader for the goldens that tools/goldens/detect_loss/make_goldens.py writes to Detect/data/*.json
// ({"op", "params", "tensors": {name: {shape, dtype, data}}}), copied next to the test assembly.
internal sealed class DetectGolden
{
    private readonly JsonElement _root;

    private DetectGolden(string name, JsonElement root)
    {
        Name = name;
        _root = root;
    }

    public string Name { get; }

    public static DetectGolden Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Detect", "data", name + ".json");
        if (!File.Exists(path))
            throw new FileNotFoundException($"golden {path} missing; regenerate with /usr/bin/python3 tools/goldens/detect_loss/make_goldens.py", path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return new DetectGolden(name, doc.RootElement.Clone());
    }

    public JsonElement Param(string key) => _root.GetProperty("params").GetProperty(key);

    public int[] Shape(string key) => Tensor(key).GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public float[] Floats(string key) => Tensor(key).GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();

    public int[] Ints(string key) => Tensor(key).GetProperty("data").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public VisionCuda.Tensor ToTensor(string key, bool requiresGrad = false)
        => VisionCuda.Tensor.FromArray(Floats(key), Shape(key), null, requiresGrad);

    private JsonElement Tensor(string key)
        => _root.GetProperty("tensors").TryGetProperty(key, out var t) ? t : throw new KeyNotFoundException($"golden {Name} has no tensor '{key}'");
}
