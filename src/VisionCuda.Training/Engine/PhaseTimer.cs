using System.Diagnostics;
using System.Globalization;

namespace VisionCuda.Training.Engine;

/// <summary>Wall time per phase of the training loop (for --verbose): waiting for data, forward + loss, backward, optimizer step + EMA.</summary>
internal sealed class PhaseTimer
{
    public const int Data = 0, ForwardLoss = 1, Backward = 2, Step = 3;
    private static readonly string[] Names = { "data", "forward+loss", "backward", "step+ema" };
    private readonly double[] _seconds = new double[Names.Length];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Lap(int phase)
    {
        _seconds[phase] += _clock.Elapsed.TotalSeconds;
        _clock.Restart();
    }

    public override string ToString() => string.Join(", ", Names.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n} {_seconds[i]:F1}s")));
}
