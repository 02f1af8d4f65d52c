using System.Globalization;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// An Ultralytics dataset.yaml: <c>path</c> (root; relative to the yaml's folder, default that folder), <c>train</c>,
/// <c>val</c>, <c>test</c> (each a folder of images, a txt list of images, an image, or a list of those; relative to
/// the root), <c>names</c> (a list, or a dict {index: name} with indices 0..n-1) and an optional <c>nc</c> that must
/// agree with <c>names</c>. Other keys (download, ...) are ignored. Errors are <see cref="DatasetException"/>s whose
/// message starts with "file:line:".
/// </summary>
public sealed class DatasetYaml
{
    public string YamlPath { get; }
    public string Root { get; }
    public IReadOnlyList<string> Names { get; }
    public int Nc => Names.Count;
    public IReadOnlyList<string>? Train { get; }
    public IReadOnlyList<string>? Val { get; }
    public IReadOnlyList<string>? Test { get; }

    private DatasetYaml(string yamlPath, string root, IReadOnlyList<string> names,
        IReadOnlyList<string>? train, IReadOnlyList<string>? val, IReadOnlyList<string>? test)
    {
        YamlPath = yamlPath; Root = root; Names = names; Train = train; Val = val; Test = test;
    }

    public static DatasetYaml Load(string yamlPath)
    {
        string full = Path.GetFullPath(yamlPath);
        if (!File.Exists(full)) throw new DatasetException(full, $"data set file '{yamlPath}' does not exist");
        return Parse(File.ReadAllText(full), full);
    }

    /// <summary>Parses yaml text; <paramref name="yamlPath"/> names the file in messages and anchors relative paths.</summary>
    public static DatasetYaml Parse(string text, string yamlPath)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new DatasetException(yamlPath, $"{yamlPath}:{e.Start.Line}: malformed YAML: {Inner(e)}", e);
        }
        catch (InvalidOperationException e)
        {
            // Some malformed input (an unclosed flow sequence) surfaces without a position: replay the parser to
            // find the last line it understood.
            throw new DatasetException(yamlPath, $"{yamlPath}:{LastGoodLine(text)}: malformed YAML: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new DatasetException(yamlPath, $"{yamlPath}:1: a dataset.yaml must be a mapping with train, val and names");

        string Where(YamlNode n) => $"{yamlPath}:{n.Start.Line}";
        YamlNode? Get(string key) =>
            map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

        string yamlDir = Path.GetDirectoryName(yamlPath) ?? ".";
        string root = yamlDir;
        if (Get("path") is { } pathNode)
        {
            if (pathNode is not YamlScalarNode ps) throw new DatasetException(yamlPath, $"{Where(pathNode)}: 'path' must be a folder");
            if (!string.IsNullOrWhiteSpace(ps.Value)) root = Path.GetFullPath(Path.Combine(yamlDir, ps.Value!));
        }

        List<string>? Sources(string key)
        {
            var node = Get(key);
            if (node is null) return null;
            var items = new List<string>();
            switch (node)
            {
                case YamlScalarNode s when string.IsNullOrWhiteSpace(s.Value) || s.Value is "null" or "~":
                    return null;
                case YamlScalarNode s:
                    items.Add(s.Value!);
                    break;
                case YamlSequenceNode seq:
                    foreach (var item in seq)
                    {
                        if (item is not YamlScalarNode si || string.IsNullOrWhiteSpace(si.Value))
                            throw new DatasetException(yamlPath, $"{Where(item)}: each entry of '{key}' must be a path");
                        items.Add(si.Value!);
                    }
                    break;
                default:
                    throw new DatasetException(yamlPath, $"{Where(node)}: '{key}' must be a folder, a txt list of images, or a list of those");
            }
            return items.Select(x => Path.GetFullPath(Path.Combine(root, x))).ToList();
        }

        var names = new List<string>();
        var namesNode = Get("names");
        if (namesNode is YamlSequenceNode nseq)
        {
            foreach (var item in nseq)
            {
                if (item is not YamlScalarNode si) throw new DatasetException(yamlPath, $"{Where(item)}: a class name must be a string");
                names.Add(si.Value ?? "");
            }
        }
        else if (namesNode is YamlMappingNode nmap)
        {
            var byIndex = new SortedDictionary<int, string>();
            foreach (var (k, v) in nmap.Children)
            {
                if (k is not YamlScalarNode ks || !int.TryParse(ks.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int idx) || idx < 0)
                    throw new DatasetException(yamlPath, $"{Where(k)}: names keys must be class indices 0, 1, 2, ...");
                if (v is not YamlScalarNode vs) throw new DatasetException(yamlPath, $"{Where(v)}: a class name must be a string");
                if (!byIndex.TryAdd(idx, vs.Value ?? "")) throw new DatasetException(yamlPath, $"{Where(k)}: class index {idx} given twice");
            }
            int expect = 0;
            foreach (var (idx, name) in byIndex)
            {
                if (idx != expect) throw new DatasetException(yamlPath, $"{Where(namesNode)}: names must number the classes 0..{byIndex.Count - 1} without gaps (missing {expect})");
                names.Add(name);
                expect++;
            }
        }
        else if (namesNode is YamlScalarNode { Value: not (null or "" or "null" or "~") })
        {
            throw new DatasetException(yamlPath, $"{Where(namesNode)}: 'names' must be a list or a dict of class names");
        }

        if (Get("nc") is { } ncNode)
        {
            if (ncNode is not YamlScalarNode ns || !int.TryParse(ns.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int nc) || nc <= 0)
                throw new DatasetException(yamlPath, $"{Where(ncNode)}: 'nc' must be a positive integer");
            if (names.Count == 0) names.AddRange(Enumerable.Range(0, nc).Select(i => $"class{i}"));
            else if (names.Count != nc)
                throw new DatasetException(yamlPath, $"{Where(ncNode)}: nc is {nc} but 'names' lists {names.Count} classes");
        }
        if (names.Count == 0) throw new DatasetException(yamlPath, $"{yamlPath}:1: no 'names' (and no 'nc') given");

        var train = Sources("train");
        var val = Sources("val");
        var test = Sources("test");
        if (train is null) throw new DatasetException(yamlPath, $"{yamlPath}:1: no 'train' split given");
        return new DatasetYaml(yamlPath, root, names, train, val, test);
    }

    private static long LastGoodLine(string text)
    {
        long line = 1;
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
                if (parser.Current != null) line = parser.Current.End.Line;
        }
        catch (YamlException e)
        {
            return e.Start.Line;
        }
        catch (InvalidOperationException)
        {
        }
        return line;
    }

    private static string Inner(YamlException e)
    {
        string m = e.InnerException?.Message ?? e.Message;
        return m.Replace("\r", "").Replace("\n", " ");
    }

    /// <summary>The split's sources ("train", "val" or "test"), or null when the yaml does not give it.</summary>
    public IReadOnlyList<string>? Sources(string split) => split switch
    {
        "train" => Train,
        "val" => Val,
        "test" => Test,
        _ => throw new ArgumentException($"unknown split '{split}' (train, val or test)"),
    };

    /// <summary>All image files of a split, in a stable order (folders are listed recursively and sorted).</summary>
    public IReadOnlyList<string> ImageFiles(string split)
    {
        var sources = Sources(split) ?? throw new DatasetException(YamlPath, $"{YamlPath}: no '{split}' split given");
        var files = ResolveImages(sources, YamlPath, split);
        if (files.Count == 0) throw new DatasetException(YamlPath, $"{YamlPath}: the '{split}' split has no images ({string.Join(", ", sources)})");
        return files;
    }

    /// <summary>Expands folders, txt lists and image paths into image files.</summary>
    public static List<string> ResolveImages(IEnumerable<string> sources, string yamlPath = "", string split = "")
    {
        var files = new List<string>();
        foreach (string src in sources)
        {
            if (Directory.Exists(src))
            {
                var found = Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories).Where(ImageIO.IsSupported).ToList();
                found.Sort(StringComparer.Ordinal);
                files.AddRange(found);
            }
            else if (File.Exists(src) && string.Equals(Path.GetExtension(src), ".txt", StringComparison.OrdinalIgnoreCase))
            {
                string dir = Path.GetDirectoryName(src) ?? ".";
                foreach (string raw in File.ReadAllLines(src))
                {
                    string line = raw.Trim();
                    if (line.Length == 0 || line.StartsWith('#')) continue;
                    if (line.StartsWith("./", StringComparison.Ordinal)) line = line[2..];
                    string p = Path.GetFullPath(Path.IsPathRooted(line) ? line : Path.Combine(dir, line));
                    if (ImageIO.IsSupported(p)) files.Add(p);
                }
            }
            else if (File.Exists(src) && ImageIO.IsSupported(src))
            {
                files.Add(src);
            }
            else
            {
                string where = yamlPath.Length > 0 ? yamlPath + ": " : "";
                throw new DatasetException(src, $"{where}{(split.Length > 0 ? $"'{split}' " : "")}path '{src}' does not exist (expected a folder, a .txt list or an image)");
            }
        }
        return files;
    }

    /// <summary>Ultralytics' img2label_paths: the last "/images/" becomes "/labels/", the extension ".txt".</summary>
    public static string LabelPathFor(string imagePath)
    {
        char sep = Path.DirectorySeparatorChar;
        string sa = $"{sep}images{sep}", sb = $"{sep}labels{sep}";
        string p = imagePath.Replace(Path.AltDirectorySeparatorChar, sep);
        int at = p.LastIndexOf(sa, StringComparison.Ordinal);
        if (at >= 0) p = p[..at] + sb + p[(at + sa.Length)..];
        int dot = p.LastIndexOf('.');
        int slash = p.LastIndexOf(sep);
        if (dot > slash) p = p[..dot];
        return p + ".txt";
    }
}
