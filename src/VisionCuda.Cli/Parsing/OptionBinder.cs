using System.CommandLine;
using System.Reflection;
using VisionCuda.Training.Options;

namespace VisionCuda.Cli.Parsing;

/// <summary>
/// Builds one System.CommandLine option per [Arg] property of <typeparamref name="T"/> and binds parsed values back.
/// Values travel as text and are converted by <see cref="ArgValue"/>, so every bad value gets the same clear
/// message naming the argument. Boolean options accept a bare flag (<c>--cos_lr</c>) or a value (<c>cos_lr=True</c>).
/// </summary>
public sealed class OptionBinder<T> where T : new()
{
    private readonly List<(PropertyInfo property, ArgAttribute arg, Option<string?> option)> _options = new();

    public OptionBinder()
    {
        foreach (var (p, a) in ArgsYaml.Args(typeof(T)))
        {
            var opt = new Option<string?>("--" + a.Name) { Description = a.Help };
            if (p.PropertyType == typeof(bool) || p.PropertyType == typeof(string))
                opt.Arity = ArgumentArity.ZeroOrOne;
            _options.Add((p, a, opt));
        }
    }

    public IEnumerable<Option> Options => _options.Select(o => (Option)o.option);

    public IEnumerable<string> Names => _options.Select(o => o.arg.Name);

    public T Bind(ParseResult result)
    {
        var target = new T();
        foreach (var (p, a, opt) in _options)
        {
            var r = result.GetResult(opt);
            if (r is null) continue;
            string? text = result.GetValue(opt);
            if (text is null && p.PropertyType == typeof(bool)) text = "true";
            // A bare string flag (e.g. --resume) means "take the default target": marked by an empty string.
            if (text is null && p.PropertyType == typeof(string)) text = "";
            p.SetValue(target, ArgValue.Convert(text, p.PropertyType, a.Name));
        }
        return target;
    }
}
