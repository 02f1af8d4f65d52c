using System.Diagnostics;

namespace VisionCuda.Training.Engine;

/// <summary>
/// The <c>time</c> budget of a run. The training clock starts at the time a resumed run had already spent (saved in
/// its checkpoint), so a run killed at half its budget and resumed takes the other half, not the whole budget again.
/// After each epoch the epoch count is refitted as Ultralytics does, ceil(budget / mean epoch time), with the mean
/// taken over every epoch of the run, the resumed part included.
/// </summary>
public sealed class TimeBudget
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double _before;

    public TimeBudget(double hours, double elapsedBeforeSeconds)
    {
        Hours = hours;
        _before = elapsedBeforeSeconds;
    }

    public double Hours { get; }

    public bool Enabled => Hours > 0;

    /// <summary>Training seconds of the whole run, earlier (resumed) parts included.</summary>
    public double ElapsedSeconds => _before + _clock.Elapsed.TotalSeconds;

    /// <summary>Wall time of this process's part.</summary>
    public TimeSpan SessionElapsed => _clock.Elapsed;

    public bool IsUp => Enabled && ElapsedSeconds >= Hours * 3600;

    /// <summary>The epoch count that fits the budget after <paramref name="epochsDone"/> epochs; never below them.</summary>
    public int Refit(int epochsDone)
    {
        double meanEpoch = ElapsedSeconds / Math.Max(1, epochsDone);
        return Math.Max(epochsDone, (int)Math.Ceiling(Hours * 3600 / Math.Max(1e-6, meanEpoch)));
    }
}
