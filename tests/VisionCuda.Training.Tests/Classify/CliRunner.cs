using VisionCuda.Cli;

namespace VisionCuda.Training.Tests.Classify;

/// <summary>Runs the CLI in-process with captured output, in a scratch working directory.</summary>
internal sealed class CliRunner : IDisposable
{
    public CliRunner()
    {
        Root = Directory.CreateTempSubdirectory("visioncuda-cli-").FullName;
    }

    public string Root { get; }

    public (int code, string stdout, string stderr) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        // The working directory is process-wide: test classes run in parallel, so read, set and restore it under one lock.
        lock (typeof(CliRunner))
        {
            string cwd = Directory.GetCurrentDirectory();
            Directory.SetCurrentDirectory(Root);
            try
            {
                int code = Program.Run(args, o, e);
                return (code, o.ToString(), e.ToString());
            }
            finally
            {
                Directory.SetCurrentDirectory(cwd);
            }
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
