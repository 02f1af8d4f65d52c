namespace VisionCuda.Cli.Parsing;

/// <summary>An error meant for the user: printed as one line, exit status 2, no stack trace.</summary>
public sealed class CliException : Exception
{
    public CliException(string message) : base(message)
    {
    }
}
