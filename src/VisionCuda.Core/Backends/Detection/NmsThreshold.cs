namespace VisionCuda.Backends;

/// <summary>The threshold that <see cref="IDetectionOps.NmsRanked"/> takes, from the double one torchvision compares with.</summary>
public static class NmsThreshold
{
    /// <summary>
    /// The float cut of a double threshold t: the largest float f with (double)f &lt;= t, so that for every float IoU x,
    /// x &gt; f &lt;=&gt; (double)x &gt; t (NaN: both false). Backends compare the float IoU with this float.
    /// </summary>
    public static float FloatCut(double t)
    {
        if (double.IsNaN(t)) return float.NaN;
        float f = (float)t;
        if ((double)f > t) f = MathF.BitDecrement(f);
        return f;
    }
}
