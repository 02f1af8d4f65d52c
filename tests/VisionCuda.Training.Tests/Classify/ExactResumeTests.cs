using System.Diagnostics;
using VisionCuda.Vision.Data;

namespace VisionCuda.Training.Tests.Classify;

/// <summary>
/// Exact resume: a 5-epoch --deterministic --seed 0 run, killed with SIGKILL during epoch 3 and resumed, ends with a
/// last.safetensors bitwise identical to an uninterrupted run's. The killed run is a real child process.
/// </summary>
public class ExactResumeTests
{
    private static string Cli => Path.Combine(AppContext.BaseDirectory, "visioncuda.dll");

    private static Process Start(string cwd, params string[] args)
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

    [Fact]
    public void KilledDuringEpoch3AndResumedEndsBitwiseEqual()
    {
        using var cli = new CliRunner();
        string data = Path.Combine(cli.Root, "shapes");
        SyntheticShapes.WriteImageFolder(data, 24, 2, imageSize: 16, seed: 11);
        string[] common = { "train", "classify", $"data={data}", "model=cnn", "epochs=5", "batch=8", "imgsz=16", "--deterministic", "seed=0", "workers=2" };

        using (var full = Start(cli.Root, common.Append("name=full").ToArray()))
        {
            Assert.True(full.WaitForExit(600_000), "uninterrupted run timed out");
            Assert.Equal(0, full.ExitCode);
        }

        string results = Path.Combine(cli.Root, "runs", "classify", "killed", "results.csv");
        bool killedInEpoch3 = false;
        for (int attempt = 0; attempt < 3 && !killedInEpoch3; attempt++)
        {
            using var victim = Start(cli.Root, common.Append("name=killed").Append("--exist_ok").ToArray());
            var sw = Stopwatch.StartNew();
            while (!victim.HasExited && sw.Elapsed < TimeSpan.FromMinutes(5))
            {
                if (File.Exists(results) && File.ReadAllLines(results).Length == 3) // header + epochs 1 and 2
                {
                    victim.Kill(entireProcessTree: true); // SIGKILL
                    victim.WaitForExit();
                    killedInEpoch3 = File.ReadAllLines(results).Length == 3;
                    break;
                }
                Thread.Sleep(5);
            }
        }
        Assert.True(killedInEpoch3, "could not kill the run during epoch 3");

        using (var resumed = Start(cli.Root, "train", "classify", $"resume={Path.Combine(cli.Root, "runs", "classify", "killed")}"))
        {
            Assert.True(resumed.WaitForExit(600_000), "resumed run timed out");
            Assert.Equal(0, resumed.ExitCode);
        }
        var a = File.ReadAllBytes(Path.Combine(cli.Root, "runs", "classify", "full", "weights", "last.safetensors"));
        var b = File.ReadAllBytes(Path.Combine(cli.Root, "runs", "classify", "killed", "weights", "last.safetensors"));
        Assert.True(a.AsSpan().SequenceEqual(b), "last.safetensors differs between the resumed and the uninterrupted run");
        Assert.Equal(6, File.ReadAllLines(results).Length);
    }
}
