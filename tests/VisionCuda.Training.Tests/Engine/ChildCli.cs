using System.Diagnostics;

namespace VisionCuda.Training.Tests.Engine;

/// <summary>The CLI as a real child process (for runs that a test kills with SIGKILL), and the kill-during-an-epoch helper.</summary>
internal static class ChildCli
{
    private static string Cli => Path.Combine(AppContext.BaseDirectory, "visioncuda.dll");

    public static Process Start(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static void RunToEnd(string cwd, params string[] args)
    {
        using var p = Start(cwd, args);
        Assert.True(p.WaitForExit(600_000), "run timed out: " + string.Join(" ", args));
        Assert.Equal(0, p.ExitCode);
    }

    /// <summary>
    /// Starts the run and SIGKILLs it as soon as results.csv holds <paramref name="rows"/> epochs (and
    /// <paramref name="extraCondition"/> holds, e.g. the resume state was committed), i.e. during the next epoch; true
    /// when the kill landed before that epoch's row was written. Returns the wall time the killed run had.
    /// </summary>
    public static (bool Killed, TimeSpan Wall) KillAfterRows(string cwd, string resultsCsv, int rows, string[] args, Func<bool>? extraCondition = null)
    {
        var sw = Stopwatch.StartNew();
        using var victim = Start(cwd, args);
        while (!victim.HasExited && sw.Elapsed < TimeSpan.FromMinutes(5))
        {
            if (File.Exists(resultsCsv) && File.ReadAllLines(resultsCsv).Length == rows + 1 && (extraCondition?.Invoke() ?? true))
            {
                victim.Kill(entireProcessTree: true); // SIGKILL
                victim.WaitForExit();
                return (File.ReadAllLines(resultsCsv).Length == rows + 1, sw.Elapsed);
            }
            Thread.Sleep(5);
        }
        return (false, sw.Elapsed);
    }
}
