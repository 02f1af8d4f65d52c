using System.Globalization;
using System.Reflection;
using System.Text;

namespace VisionCuda.Training.Options;

/// <summary>Writes and reads args.yaml from the [Arg] properties of an options object (Ultralytics names, one per line).</summary>
public static class ArgsYaml
{
    public static IEnumerable<(PropertyInfo property, ArgAttribute arg)> Args(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, p.GetCustomAttribute<ArgAttribute>()))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.p, x.Item2!));

    public static string ToYaml(object options)
    {
        var sb = new StringBuilder();
        foreach (var (p, a) in Args(options.GetType()))
        {
            var v = p.GetValue(options);
            string text = v switch
            {
                null => "null",
                bool b => b ? "true" : "false",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => Quote(v.ToString() ?? ""),
            };
            sb.Append(a.Name).Append(": ").Append(text).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string s) => s.Length == 0 || s.IndexOfAny(new[] { ':', '#', '\'', '"', '\n', ',' }) >= 0 || s != s.Trim()
        ? "'" + s.Replace("'", "''") + "'"
        : s;

    /// <summary>Reads args.yaml back into an options object (for resume). Unknown keys are ignored.</summary>
    public static T FromYaml<T>(string yaml, string fileForErrors) where T : new()
    {
        var result = new T();
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new FormatException($"{fileForErrors}:{ex.Start.Line}: malformed YAML: {ex.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlDotNet.RepresentationModel.YamlMappingNode map)
            throw new FormatException($"{fileForErrors}:1: expected a mapping of argument names to values");
        var props = Args(typeof(T)).ToDictionary(x => x.arg.Name, x => x.property);
        foreach (var (k, v) in map.Children)
        {
            var key = ((YamlDotNet.RepresentationModel.YamlScalarNode)k).Value ?? "";
            if (!props.TryGetValue(key, out var p)) continue;
            var text = (v as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value;
            try
            {
                p.SetValue(result, ArgValue.Convert(text, p.PropertyType, key));
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"{fileForErrors}:{k.Start.Line}: {ex.Message}");
            }
        }
        return result;
    }
}

/// <summary>Converts argument text to a property type, with errors that name the argument.</summary>
public static class ArgValue
{
    public static object? Convert(string? text, Type type, string name)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        bool nullable = !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        if (text is null || text == "null" || text == "~" || (text.Length == 0 && nullable))
        {
            if (nullable) return null;
            throw new ArgumentException($"'{name}' needs a value");
        }
        if (underlying == typeof(string)) return text;
        if (underlying == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => throw new ArgumentException($"'{name}' expects True or False, got '{text}'"),
            };
        }
        if (underlying == typeof(int))
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) return i;
            throw new ArgumentException($"'{name}' expects an integer, got '{text}'");
        }
        if (underlying == typeof(double))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
            throw new ArgumentException($"'{name}' expects a number, got '{text}'");
        }
        throw new ArgumentException($"'{name}': unsupported option type {underlying.Name}");
    }
}
