using System.CommandLine;
using VisionCuda.Cli.Commands;
using VisionCuda.Cli.Parsing;

namespace VisionCuda.Cli;

/// <summary>
/// <c>visioncuda MODE TASK [options]</c> (conventions.md). Options take Ultralytics' names and are accepted as
/// <c>--key value</c> or <c>key=value</c>. Errors reach the user as one message and a non-zero exit, never a stack
/// trace (unless --verbose).
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        BackendRegistration.EnsureRegistered();
        var root = new RootCommand("VisionCuda: train and run vision models on CUDA, ILGPU or a SIMD CPU backend");
        foreach (var mode in CommandCatalog.Modes(stdout, stderr)) root.Subcommands.Add(mode);
        var normalized = ArgvNormalizer.Normalize(args);
        var parsed = root.Parse(normalized);
        bool verbose = normalized.Contains("--verbose");
        if (parsed.Errors.Count > 0 && !normalized.Any(a => a is "-h" or "--help" or "-?"))
        {
            stderr.WriteLine("visioncuda: " + Explain(parsed.Errors[0].Message));
            stderr.WriteLine("run 'visioncuda " + string.Join(" ", normalized.TakeWhile(a => !a.StartsWith('-')).Take(2)) + " --help' for the options");
            return 2;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr });
        }
        catch (Exception ex) when (!verbose)
        {
            stderr.WriteLine("visioncuda: " + UserMessage(ex));
            return ex is ArgumentException or CliException ? 2 : 1;
        }
    }

    private static string Explain(string message) =>
        message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)
            ? "unknown argument " + message["Unrecognized command or argument".Length..].Trim()
            : message;

    /// <summary>One line for the user: the innermost meaningful message (type initialisers and invocations unwrapped).</summary>
    public static string UserMessage(Exception ex)
    {
        while ((ex is System.Reflection.TargetInvocationException || ex is TypeInitializationException || ex is AggregateException) && ex.InnerException is not null)
            ex = ex.InnerException;
        return ex.Message;
    }
}
