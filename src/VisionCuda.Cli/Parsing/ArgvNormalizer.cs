namespace VisionCuda.Cli.Parsing;

/// <summary>
/// Accepts Ultralytics' spelling next to ours: <c>key=value</c> becomes <c>--key value</c>, and <c>--key=value</c> is split,
/// so System.CommandLine sees one form (conventions.md: each option is accepted both ways).
/// </summary>
public static class ArgvNormalizer
{
    public static string[] Normalize(IEnumerable<string> args)
    {
        var result = new List<string>();
        foreach (var a in args)
        {
            int eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                result.Add(a[..eq]);
                result.Add(a[(eq + 1)..]);
            }
            else if (!a.StartsWith('-') && eq > 0 && IsKey(a[..eq]))
            {
                result.Add("--" + a[..eq]);
                result.Add(a[(eq + 1)..]);
            }
            else
            {
                result.Add(a);
            }
        }
        return result.ToArray();
    }

    private static bool IsKey(string s) => s.All(c => char.IsLetterOrDigit(c) || c == '_');
}
