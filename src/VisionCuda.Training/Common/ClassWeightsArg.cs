using System.Globalization;

namespace VisionCuda.Training.Common;

/// <summary>The cls_weights argument of every task: 'auto' (inverse class frequency of the training labels) or a comma-separated list of one weight per class.</summary>
public static class ClassWeightsArg
{
    /// <summary>Null when cls_weights is not given; <paramref name="inverseFrequency"/> computes 'auto'.</summary>
    public static float[]? Parse(string? text, int numClasses, Func<float[]> inverseFrequency)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (text.Equals("auto", StringComparison.OrdinalIgnoreCase)) return inverseFrequency();
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != numClasses)
            throw new ArgumentException($"invalid value for 'cls_weights': {parts.Length} weights given for {numClasses} classes");
        return parts.Select(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && float.IsFinite(v)
            ? v : throw new ArgumentException($"invalid value for 'cls_weights': '{p}' is not a non-negative number")).ToArray();
    }
}
