using VisionCuda.Training.Engine;
using VisionCuda.Training.Options;

namespace VisionCuda.Cli.Commands;

/// <summary>
/// Runs a trainer from the CLI with Ctrl+C wired to its cancellation token: the first Ctrl+C stops the run at the next
/// batch, saves last.safetensors and prints how to resume; a second one ends the process at once.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Exit status of a run stopped by Ctrl+C (the shell's 128 + SIGINT).</summary>
    public const int InterruptedExitCode = 130;

    public static TrainResult Run<TOptions, TBatch>(Trainer<TOptions, TBatch> trainer, TextWriter stdout)
        where TOptions : TrainOptionsBase, new() where TBatch : IDisposable
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            if (cts.IsCancellationRequested) return;   // the second Ctrl+C: let the process end
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            var result = trainer.Train(cts.Token);
            stdout.WriteLine($"results saved to {result.RunDirectory}");
            return result;
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>A token that Ctrl+C cancels for as long as the returned command runs (val: stop cleanly, no stack trace).</summary>
    public static CancellationToken CtrlC()
    {
        var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            cts.Cancel();
        };
        return cts.Token;
    }
}
