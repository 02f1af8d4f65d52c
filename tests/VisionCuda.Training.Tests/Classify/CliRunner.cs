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
        string cwd = Directory.GetCurrentDirectory();
        lock (typeof(CliRunner))
        {
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
