using System.Globalization;
using Spectre.Console;

namespace VisionCuda.Training.Reporting;

/// <summary>
/// A progress bar per epoch (loss, lr, images/s) on a terminal, drawn by Spectre.Console; when the output is
/// redirected (CI, logs) it prints one line per epoch instead, so logs stay readable.
/// </summary>
public sealed class ConsoleReporter : ITrainingReporter
{
    private readonly IAnsiConsole _console;
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly bool _interactive;
    private int _batches;
    private int _epoch;
    private int _epochs;
    private DateTime _lastDraw;

    /// <summary>Writes progress to <paramref name="output"/> and warnings to <paramref name="error"/> (the console by default).</summary>
    public ConsoleReporter(TextWriter? output = null, TextWriter? error = null)
    {
        _out = output ?? Console.Out;
        _err = error ?? Console.Error;
        bool isConsole = output is null || ReferenceEquals(output, Console.Out);
        _interactive = isConsole && !Console.IsOutputRedirected;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_out),
            Ansi = _interactive ? AnsiSupport.Detect : AnsiSupport.No,
        });
    }

    public void Info(string message) => _console.MarkupLine(Markup.Escape(message));

    public void Warning(string message) => _err.WriteLine("WARNING " + message);

    public void BeginEpoch(int epoch, int epochs, int batches)
    {
        _epoch = epoch;
        _epochs = epochs;
        _batches = batches;
        _lastDraw = DateTime.MinValue;
    }

    public void Batch(in BatchProgress progress)
    {
        if (!_interactive) return;
        var now = DateTime.UtcNow;
        if ((now - _lastDraw).TotalMilliseconds < 100 && progress.Batch + 1 < progress.Batches) return;
        _lastDraw = now;
        int width = 30;
        int done = (int)Math.Round(width * (progress.Batch + 1) / (double)Math.Max(1, progress.Batches));
        string bar = new string('█', done) + new string('░', width - done);
        _out.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{progress.Epoch + 1,4}/{progress.Epochs} {bar} {progress.Batch + 1}/{progress.Batches}  loss {progress.Loss:F4}  lr {progress.Lr:G3}  {progress.ImagesPerSecond:F0} img/s   "));
    }

    public void EndEpoch(EpochSummary s)
    {
        if (_interactive) _out.WriteLine();
        // One line per epoch whatever the task: its losses and metrics by their results.csv names, shortened.
        var parts = s.Values.Where(kv => kv.Key != "epoch" && !kv.Key.StartsWith("lr/", StringComparison.Ordinal))
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{Short(kv.Key)} {kv.Value:F4}"));
        string val = s.ValidationElapsed is { } v ? string.Create(CultureInfo.InvariantCulture, $" (val {v.TotalSeconds:F1}s)") : "";
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {s.Epoch + 1}/{s.Epochs}  {string.Join("  ", parts)}  lr {s["lr/pg0"]:G3}  {s.ImagesPerSecond:F1} img/s  {s.Elapsed.TotalSeconds:F1}s{val}{(s.IsBest ? "  *best" : "")}"));
    }

    /// <summary>train/box_loss -> box_loss, metrics/mAP50(B) -> mAP50(B); val/ keeps its prefix so the two losses stay apart.</summary>
    private static string Short(string column) =>
        column.StartsWith("train/", StringComparison.Ordinal) ? column["train/".Length..]
        : column.StartsWith("metrics/", StringComparison.Ordinal) ? column["metrics/".Length..]
        : column;
}
