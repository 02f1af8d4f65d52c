using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VisionCuda.Models.Yolo;

// Design notes
// - A model YAML in Ultralytics' schema: `nc`, `scales: {name: [depth, width, max_channels]}`, optional `scale`,
//   and `backbone` / `head` lists of [from, repeats, module, args]. The layers of both lists are numbered in one
//   sequence (backbone first), which is how `from` refers to them.
// - Parsed with YamlDotNet's representation model so every error names the file and the line of the node at fault.
// - Args are kept as plain values (int, double, bool, string, null); the string "nc" is resolved by the builder.
// - Built-in files (yolov8n.yaml, yolov8s.yaml) are embedded resources; a name that is not an existing file is
//   looked up among them.

/// <summary>One [from, repeats, module, args] row of a model YAML.</summary>
public sealed record YoloLayerSpec(int Index, int[] From, int Repeats, string Module, IReadOnlyList<object?> Args, int Line);

/// <summary>A model YAML whose syntax or content is wrong; the message starts with "file:line:".</summary>
public sealed class YoloConfigException : Exception
{
    public YoloConfigException(string message) : base(message) { }

    public YoloConfigException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A parsed model YAML (see the design notes at the top of the file).</summary>
public sealed class YoloConfig
{
    private YoloConfig(string source, int nc, IReadOnlyDictionary<string, (double Depth, double Width, int MaxChannels)> scales,
        string? scale, IReadOnlyList<YoloLayerSpec> layers)
    {
        Source = source;
        Nc = nc;
        Scales = scales;
        Scale = scale;
        Layers = layers;
    }

    /// <summary>The file (or built-in name) the config came from, as used in error messages.</summary>
    public string Source { get; }

    /// <summary>The file's nc (the builder's nc argument replaces it).</summary>
    public int Nc { get; }

    public IReadOnlyDictionary<string, (double Depth, double Width, int MaxChannels)> Scales { get; }

    /// <summary>The file's explicit `scale:` key, or null (then the scale comes from the file name).</summary>
    public string? Scale { get; }

    /// <summary>Backbone then head layers, numbered from 0.</summary>
    public IReadOnlyList<YoloLayerSpec> Layers { get; }

    /// <summary>Names of the embedded model files ("yolov8n.yaml", "yolov8s.yaml").</summary>
    public static IReadOnlyList<string> BuiltinNames { get; } = new[] { "yolov8n.yaml", "yolov8s.yaml" };

    /// <summary>True when <paramref name="name"/> is a built-in YAML name (case-insensitive, ".yaml" optional).</summary>
    public static bool IsBuiltin(string name) => BuiltinNames.Contains(NormalizeBuiltin(name), StringComparer.Ordinal);

    private static string NormalizeBuiltin(string name)
    {
        var n = Path.GetFileName(name).ToLowerInvariant();
        if (n.EndsWith(".yml", StringComparison.Ordinal)) n = n[..^4] + ".yaml";
        return n.EndsWith(".yaml", StringComparison.Ordinal) ? n : n + ".yaml";
    }

    /// <summary>Loads an existing YAML file, or else a built-in one by name.</summary>
    public static YoloConfig Load(string pathOrName)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrName);
        if (File.Exists(pathOrName)) return Parse(File.ReadAllText(pathOrName), pathOrName);
        var name = NormalizeBuiltin(pathOrName);
        if (!BuiltinNames.Contains(name, StringComparer.Ordinal))
            throw new FileNotFoundException(
                $"model YAML '{pathOrName}' not found (built-in: {string.Join(", ", BuiltinNames)})", pathOrName);
        return Parse(ReadBuiltin(name), name);
    }

    /// <summary>The text of an embedded model YAML.</summary>
    public static string ReadBuiltin(string name)
    {
        var asm = typeof(YoloConfig).Assembly;
        var res = asm.GetManifestResourceNames().FirstOrDefault(r => r.EndsWith("." + name, StringComparison.Ordinal))
                  ?? throw new FileNotFoundException($"built-in model YAML '{name}' is not embedded in {asm.GetName().Name}");
        using var s = asm.GetManifestResourceStream(res)!;
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    /// <summary>Parses YAML text; <paramref name="source"/> names it in error messages.</summary>
    public static YoloConfig Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new YoloConfigException($"{source}:{e.Start.Line}: YAML syntax error: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new YoloConfigException($"{source}:1: a model YAML must be a mapping with nc, scales, backbone and head");

        string Where(YamlNode n) => $"{source}:{n.Start.Line}";
        YamlNode? Get(string key) => root.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        int nc = 80;
        if (Get("nc") is { } ncNode)
        {
            if (ncNode is not YamlScalarNode s || !int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out nc) || nc <= 0)
                throw new YoloConfigException($"{Where(ncNode)}: nc must be a positive integer");
        }

        var scales = new Dictionary<string, (double, double, int)>(StringComparer.Ordinal);
        if (Get("scales") is { } scNode)
        {
            if (scNode is not YamlMappingNode sm) throw new YoloConfigException($"{Where(scNode)}: scales must be a mapping name: [depth, width, max_channels]");
            foreach (var (k, v) in sm.Children)
            {
                var key = ((YamlScalarNode)k).Value ?? "";
                if (v is not YamlSequenceNode seq || seq.Children.Count != 3)
                    throw new YoloConfigException($"{Where(v)}: scale '{key}' must be [depth, width, max_channels]");
                scales[key] = (Number(seq[0]), Number(seq[1]), (int)Integer(seq[2]));
            }
        }

        string? scale = Get("scale") is YamlScalarNode scaleNode ? scaleNode.Value : null;
        if (scale is not null && scales.Count > 0 && !scales.ContainsKey(scale))
            throw new YoloConfigException($"{Where(Get("scale")!)}: scale '{scale}' is not one of {string.Join(", ", scales.Keys)}");

        var layers = new List<YoloLayerSpec>();
        foreach (var part in new[] { "backbone", "head" })
        {
            var node = Get(part) ?? throw new YoloConfigException($"{source}:1: missing '{part}' list");
            if (node is not YamlSequenceNode list) throw new YoloConfigException($"{Where(node)}: '{part}' must be a list of [from, repeats, module, args]");
            foreach (var row in list.Children)
                layers.Add(ParseLayer(row, layers.Count));
        }
        if (layers.Count == 0) throw new YoloConfigException($"{source}:1: the model has no layers");
        return new YoloConfig(source, nc, scales, scale, layers);

        double Number(YamlNode n)
            => n is YamlScalarNode s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? v : throw new YoloConfigException($"{Where(n)}: expected a number");

        long Integer(YamlNode n)
            => n is YamlScalarNode s && long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
                ? v : throw new YoloConfigException($"{Where(n)}: expected an integer");

        YoloLayerSpec ParseLayer(YamlNode row, int index)
        {
            if (row is not YamlSequenceNode r || r.Children.Count != 4)
                throw new YoloConfigException($"{Where(row)}: layer {index} must be [from, repeats, module, args]");
            int[] from = r[0] switch
            {
                YamlScalarNode => new[] { (int)Integer(r[0]) },
                YamlSequenceNode fs when fs.Children.Count > 0 => fs.Children.Select(c => (int)Integer(c)).ToArray(),
                _ => throw new YoloConfigException($"{Where(r[0])}: layer {index}: 'from' must be an index or a list of indices"),
            };
            foreach (var f in from)
            {
                int abs = f < 0 ? index + f : f;
                if (abs < -1 || abs >= index || (abs == -1 && index != 0))
                    throw new YoloConfigException($"{Where(r[0])}: layer {index}: from={f} does not name an earlier layer");
            }
            int repeats = (int)Integer(r[1]);
            if (repeats < 1) throw new YoloConfigException($"{Where(r[1])}: layer {index}: repeats must be >= 1");
            var module = (r[2] as YamlScalarNode)?.Value ?? throw new YoloConfigException($"{Where(r[2])}: layer {index}: module must be a name");
            if (r[3] is not YamlSequenceNode argNode) throw new YoloConfigException($"{Where(r[3])}: layer {index}: args must be a list");
            var args = argNode.Children.Select(Arg).ToArray();
            return new YoloLayerSpec(index, from, repeats, module, args, (int)row.Start.Line);
        }

        object? Arg(YamlNode n)
        {
            if (n is not YamlScalarNode s) throw new YoloConfigException($"{Where(n)}: an arg must be a plain value");
            var v = s.Value ?? "";
            if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) return v;
            if (v is "None" or "null" or "~" or "") return null;
            if (v is "True" or "true") return true;
            if (v is "False" or "false") return false;
            if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) return i;
            if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
            return v;
        }
    }

    /// <summary>
    /// The scale to use: an explicit <paramref name="requested"/>, else the file's `scale:`, else the letter after
    /// "yolov8" in the file name (Ultralytics' convention: yolov8n.yaml -> n), else the first scale listed.
    /// </summary>
    public (string Name, double Depth, double Width, int MaxChannels) ResolveScale(string? requested = null)
    {
        if (Scales.Count == 0) return ("", 1.0, 1.0, int.MaxValue);
        string? name = requested ?? Scale;
        if (name is null)
        {
            var stem = Path.GetFileNameWithoutExtension(Source).ToLowerInvariant();
            var m = System.Text.RegularExpressions.Regex.Match(stem, @"yolov?\d+([nslmx])");
            if (m.Success && Scales.ContainsKey(m.Groups[1].Value)) name = m.Groups[1].Value;
        }
        name ??= Scales.Keys.First();
        if (!Scales.TryGetValue(name, out var s))
            throw new YoloConfigException($"{Source}:1: scale '{name}' is not one of {string.Join(", ", Scales.Keys)}");
        return (name, s.Depth, s.Width, s.MaxChannels);
    }
}
