namespace VisionCuda.Reference;

/// <summary>
/// Naive oracles of the reductions over the middle dim of [outer, dim, inner]: sum, mean and max (first index on ties)
/// with their backwards, and softmax / log-softmax with theirs, all in double.
/// </summary>
public static class ReferenceReduce
{
    public enum Kind { Sum, Mean, Max }

    /// <summary>y [outer, inner], the argmax [outer, inner] (for Max; else zeros) and dx [outer, dim, inner] for upstream dy.</summary>
    public static (float[] Y, int[] Argmax, float[] Dx) Reduce(Kind op, float[] x, float[] dy, int outer, int dim, int inner)
    {
        var y = new float[outer * inner];
        var am = new int[outer * inner];
        var dx = new float[x.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double s = 0;
                float m = float.NegativeInfinity;
                int mi = 0;
                for (int d = 0; d < dim; d++)
                {
                    float v = x[((long)o * dim + d) * inner + i];
                    s += v;
                    if (v > m) { m = v; mi = d; }
                }
                int j = o * inner + i;
                y[j] = op switch { Kind.Sum => (float)s, Kind.Mean => (float)(s / dim), _ => m };
                am[j] = op == Kind.Max ? mi : 0;
                for (int d = 0; d < dim; d++)
                    dx[((long)o * dim + d) * inner + i] = op switch { Kind.Sum => dy[j], Kind.Mean => (float)(dy[j] / (double)dim), _ => d == mi ? dy[j] : 0f };
            }
        return (y, am, dx);
    }

    /// <summary>Softmax (or log-softmax) over dim and its backward for upstream dy.</summary>
    public static (float[] Y, float[] Dx) Softmax(float[] x, float[] dy, int outer, int dim, int inner, bool log)
    {
        var y = new float[x.Length];
        var dx = new float[x.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double m = double.NegativeInfinity, s = 0, sdy = 0, sdyp = 0;
                for (int d = 0; d < dim; d++) m = Math.Max(m, x[((long)o * dim + d) * inner + i]);
                for (int d = 0; d < dim; d++) s += Math.Exp(x[((long)o * dim + d) * inner + i] - m);
                for (int d = 0; d < dim; d++)
                {
                    long j = ((long)o * dim + d) * inner + i;
                    double p = Math.Exp(x[j] - m) / s;
                    y[j] = (float)(log ? x[j] - m - Math.Log(s) : p);
                    sdy += dy[j];
                    sdyp += dy[j] * p;
                }
                for (int d = 0; d < dim; d++)
                {
                    long j = ((long)o * dim + d) * inner + i;
                    double p = Math.Exp(x[j] - m) / s;
                    dx[j] = (float)(log ? dy[j] - p * sdy : p * (dy[j] - sdyp));
                }
            }
        return (y, dx);
    }
}
