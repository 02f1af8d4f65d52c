using System.Globalization;
using Xunit.Sdk;

namespace VisionCuda.TestSupport;

/// <summary>
/// Closeness assertions in the numpy/PyTorch sense: |actual - expected| &lt;= atol + rtol * |expected|,
/// elementwise. Tolerances per op family are in docs/conventions.md (Numbers).
/// </summary>
public static class Close
{
    /// <summary>
    /// Fails (with the worst element's index, both values, its error and the allowed error, and how many elements
    /// failed) unless every element of <paramref name="actual"/> is within atol + rtol*|expected|.
    /// NaN matches nothing (not even NaN); infinities must match exactly.
    /// </summary>
    public static void AssertAllClose(float[] expected, float[] actual, double rtol, double atol, string what)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Length != actual.Length)
            throw new XunitException($"{what}: length {actual.Length}, expected {expected.Length}");

        int failures = 0, worst = -1;
        double worstExcess = double.NegativeInfinity;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double err = Math.Abs(a - e), allowed = atol + rtol * Math.Abs(e);
            bool ok;
            double excess;
            if (double.IsNaN(e) || double.IsNaN(a)) { ok = false; excess = double.PositiveInfinity; }
            else if (double.IsInfinity(e) || double.IsInfinity(a)) { ok = e == a; excess = ok ? double.NegativeInfinity : double.PositiveInfinity; }
            else { ok = err <= allowed; excess = err / Math.Max(allowed, double.Epsilon); }
            if (!ok) failures++;
            // Track the element that is furthest out of tolerance (relative to what it was allowed).
            if (worst < 0 || excess > worstExcess) { worst = i; worstExcess = excess; }
        }
        if (failures == 0) return;

        double we = expected[worst], wa = actual[worst];
        throw new XunitException(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {failures} of {expected.Length} elements not close (rtol {rtol:G3}, atol {atol:G3}); " +
            $"worst at [{worst}]: expected {we:G9}, actual {wa:G9}, |diff| {Math.Abs(wa - we):G3}, allowed {atol + rtol * Math.Abs(we):G3}" +
            $"{Neighbours(expected, actual, worst)}"));
    }

    /// <summary>As <see cref="AssertAllClose(float[], float[], double, double, string)"/>, reporting the worst index in
    /// multi-dimensional form for a tensor of <paramref name="shape"/>.</summary>
    public static void AssertAllClose(float[] expected, float[] actual, int[] shape, double rtol, double atol, string what)
    {
        try { AssertAllClose(expected, actual, rtol, atol, what); }
        catch (XunitException ex) when (shape.Length > 1)
        {
            var msg = ex.Message;
            int at = msg.IndexOf("worst at [", StringComparison.Ordinal);
            if (at < 0) throw;
            int end = msg.IndexOf(']', at);
            if (!int.TryParse(msg.AsSpan(at + 10, end - at - 10), NumberStyles.Integer, CultureInfo.InvariantCulture, out int flat)) throw;
            throw new XunitException(msg[..(end + 1)] + $" = [{string.Join(",", Unravel(flat, shape))}] of shape [{string.Join(",", shape)}]" + msg[(end + 1)..]);
        }
    }

    private static int[] Unravel(int flat, int[] shape)
    {
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            int s = Math.Max(shape[d], 1);
            idx[d] = flat % s;
            flat /= s;
        }
        return idx;
    }

    private static string Neighbours(float[] expected, float[] actual, int at)
    {
        int lo = Math.Max(0, at - 2), hi = Math.Min(expected.Length, at + 3);
        var e = string.Join(", ", expected[lo..hi].Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));
        var a = string.Join(", ", actual[lo..hi].Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));
        return $"; around it [{lo}..{hi}) expected {{{e}}}, actual {{{a}}}";
    }
}
