using VisionCuda.Training.Engine;
using VisionCuda.Training.Options;

namespace VisionCuda.Cli.Commands;

/// <summary>
/// Ctrl+C for the CLI's long commands: the first Ctrl+C cancels a token (train stops at the next batch, saves
/// last.safetensors and prints how to resume; val and predict stop between batches); a second one ends the process.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Exit status of a run stopped by Ctrl+C (the shell's 128 + SIGINT).</summary>
    public const int InterruptedExitCode = 130;

    public static TrainResult Run<TOptions, TBatch>(Trainer<TOptions, TBatch> trainer, TextWriter stdout)
        where TOptions : TrainOptionsBase, new() where TBatch : IDisposable
    {
        using var ctrlC = new CtrlCToken();
        var result = trainer.Train(ctrlC.Token);
        stdout.WriteLine($"results saved to {result.RunDirectory}");
        return result;
    }

    /// <summary>A token that Ctrl+C cancels for the rest of the command (val and predict, which end with the process).</summary>
    public static CancellationToken CtrlC() => new CtrlCToken().Token;

    /// <summary>Cancels its token on the first Ctrl+C and lets the second one end the process; disposing unhooks it.</summary>
    private sealed class CtrlCToken : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();

        public CtrlCToken() => Console.CancelKeyPress += OnCtrlC;

        public CancellationToken Token => _cts.Token;

        private void OnCtrlC(object? sender, ConsoleCancelEventArgs e)
        {
            if (_cts.IsCancellationRequested) return;   // the second Ctrl+C: let the process end
            e.Cancel = true;
            _cts.Cancel();
        }

        public void Dispose()
        {
            Console.CancelKeyPress -= OnCtrlC;
            _cts.Dispose();
        }
    }
}
