using System.Globalization;

namespace VisionCuda.Bench;

/// <summary>
/// Element-wise comparison of a kernel's output with its reference, with the tolerances of conventions.md:
/// |actual - expected| &lt;= atol + rtol * max(|expected|, mean|expected|). The mean-magnitude floor keeps elements
/// that a long sum cancels to near zero (GEMM, conv, batch-norm sums) from failing on float32 rounding that is
/// small next to the data. Elementwise ops use rtol 1e-5; reductions, GEMM, conv and losses 1e-4 with atol 1e-5.
/// </summary>
public static class Compare
{
    public const double ElementwiseRtol = 1e-5, ReductionRtol = 1e-4, Atol = 1e-5;

    /// <summary>Compares <paramref name="actual"/>[i] with <paramref name="expected"/>[i] for every i of expected.</summary>
    public static CheckResult Check(string what, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double rtol, double atol = Atol)
    {
        if (actual.Length < expected.Length)
            return new CheckResult(false, double.PositiveInfinity, $"{what}: {actual.Length} values, expected {expected.Length}");
        double meanAbs = 0;
        for (int i = 0; i < expected.Length; i++) meanAbs += Math.Abs(expected[i]);
        meanAbs /= Math.Max(1, expected.Length);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double allowed = atol + rtol * Math.Max(Math.Abs(e), meanAbs);
            double ratio = double.IsFinite(a) ? Math.Abs(a - e) / allowed : double.PositiveInfinity;
            if (ratio > worst || worstAt < 0)
            {
                worst = ratio;
                worstAt = i;
            }
        }
        bool ok = worst <= 1.0;
        string detail = worstAt < 0
            ? what + ": empty"
            : string.Create(CultureInfo.InvariantCulture,
                $"{what}: worst at [{worstAt}] got {actual[worstAt]:G9}, expected {expected[worstAt]:G9} ({worst:F3} of the tolerance)");
        return new CheckResult(ok, worst, detail);
    }

    /// <summary>Checks sampled positions: actual[index[i]] against expected[i].</summary>
    public static CheckResult CheckAt(string what, ReadOnlySpan<float> actual, ReadOnlySpan<long> index, ReadOnlySpan<float> expected, double rtol, double atol = Atol)
    {
        var gathered = new float[index.Length];
        for (int i = 0; i < index.Length; i++) gathered[i] = actual[(int)index[i]];
        return Check(what + " (sampled)", gathered, expected, rtol, atol);
    }
}
