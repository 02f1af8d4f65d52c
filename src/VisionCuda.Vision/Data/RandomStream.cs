using VisionCuda.Random;

namespace VisionCuda.Vision.Data;

/// <summary>
/// A cursor over one Philox stream: a 64-bit key (from <see cref="Philox.Key"/>) and a counter that advances by one
/// per 32-bit draw. Every random decision of the data pipeline (split, shuffle, sampler, augmentation, mixup) is a
/// pure function of (key, counter), so a sample gets the same numbers whichever thread draws it, and a resumed run
/// reproduces them (conventions.md, Determinism). A struct on purpose: each use owns its cursor, nothing is shared.
/// </summary>
public struct RandomStream
{
    public readonly ulong Key;
    public ulong Counter;

    public RandomStream(ulong key, ulong counter = 0) { Key = key; Counter = counter; }

    public RandomStream(ulong seed, long epoch, long index, RandomPurpose purpose)
        : this(Philox.Key(seed, epoch, index, purpose)) { }

    /// <summary>32 random bits.</summary>
    public uint NextUInt() => Philox.Next(Key, Counter++);

    /// <summary>Uniform in [0, 1) with 24 bits (the same formula as <see cref="Philox.Uniform"/>).</summary>
    public float NextFloat() => Philox.Uniform(Key, Counter++);

    /// <summary>Uniform in [0, 1) with 53 bits, from two draws.</summary>
    public double NextDouble()
    {
        ulong hi = NextUInt(), lo = NextUInt();
        return (((hi << 32) | lo) >> 11) * (1.0 / 9007199254740992.0);
    }

    /// <summary>Uniform in [low, high).</summary>
    public float Uniform(float low, float high) => low + (high - low) * NextFloat();

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n) by multiply-shift (bias below 2^-32 * n, irrelevant here).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "must be positive");
        return (int)(((ulong)NextUInt() * (ulong)n) >> 32);
    }

    /// <summary>Uniform integer in [low, high) (torch.randint semantics).</summary>
    public int NextInt(int low, int high) => low + NextInt(high - low);

    /// <summary>True with probability p. Always consumes one draw, so later draws do not depend on p's outcome.</summary>
    public bool Bernoulli(double p) => NextFloat() < p;

    /// <summary>Standard normal (Box-Muller, two draws).</summary>
    public double Normal()
    {
        double u1 = (NextUInt() + 1.0) / 4294967297.0;
        double u2 = NextUInt() / 4294967296.0;
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Gamma(alpha, 1) by Marsaglia-Tsang; alpha &lt; 1 via the boost U^(1/alpha).</summary>
    public double Gamma(double alpha)
    {
        if (alpha <= 0) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "must be positive");
        if (alpha < 1)
        {
            double u = NextDouble();
            return Gamma(alpha + 1) * Math.Pow(u, 1.0 / alpha);
        }
        double d = alpha - 1.0 / 3.0, c = 1.0 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do { x = Normal(); v = 1 + c * x; } while (v <= 0);
            v = v * v * v;
            double u = NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>Beta(a, b) as Ga / (Ga + Gb).</summary>
    public double Beta(double a, double b)
    {
        double x = Gamma(a), y = Gamma(b);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    /// <summary>In-place Fisher-Yates shuffle.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
