namespace VisionCuda.Random;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"), the counter-based generator
/// behind every random draw in VisionCuda. A draw is a pure function of (key, counter), so workers, resumed runs
/// and all backends (C#, CUDA, ILGPU) produce the same stream without sharing state (conventions.md, Determinism).
///
/// Element i of a stream uses counter (offset + i) in words 0-1 and the first output word; this spends 3 of 4 output
/// words but keeps the mapping trivial to reproduce inside a kernel.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The four 32-bit outputs for a 128-bit counter and 64-bit key.</summary>
    public static (uint, uint, uint, uint) Block(ulong counterLo, ulong counterHi, ulong key)
    {
        uint c0 = (uint)counterLo, c1 = (uint)(counterLo >> 32), c2 = (uint)counterHi, c3 = (uint)(counterHi >> 32);
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            uint n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0; k1 += W1;
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>The 32-bit draw at position <paramref name="counter"/> of the stream <paramref name="key"/>.</summary>
    public static uint Next(ulong key, ulong counter) => Block(counter, 0, key).Item1;

    /// <summary>Uniform in [0, 1) with 24 bits, the same formula the kernels use.</summary>
    public static float Uniform(ulong key, ulong counter) => (Next(key, counter) >> 8) * (1.0f / 16777216.0f);

    /// <summary>
    /// Derives a stream key from (seed, epoch, sample index, purpose) with a SplitMix64-style mix, so that
    /// e.g. augmentation of sample 17 in epoch 3 gets the same numbers whichever worker draws it.
    /// </summary>
    public static ulong Key(ulong seed, long epoch = 0, long index = 0, RandomPurpose purpose = RandomPurpose.General)
    {
        ulong h = Mix(seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)epoch);
        h = Mix(h ^ (ulong)index);
        h = Mix(h ^ (ulong)purpose);
        return h;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static void FillUniform(Span<float> data, ulong key, ulong offset, float low, float high)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] = low + (high - low) * Uniform(key, offset + (ulong)i);
    }

    /// <summary>Box-Muller: element i uses draws 2i and 2i+1 of the stream.</summary>
    public static void FillNormal(Span<float> data, ulong key, ulong offset, float mean, float std)
    {
        for (int i = 0; i < data.Length; i++)
        {
            ulong c = offset + 2 * (ulong)i;
            double u1 = (Next(key, c) + 1.0) / 4294967297.0;
            double u2 = Next(key, c + 1) / 4294967296.0;
            data[i] = mean + std * (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }
}

/// <summary>What a random stream is for; part of the key so that different uses never share numbers.</summary>
public enum RandomPurpose : ulong
{
    General = 0,
    Init = 1,
    Shuffle = 2,
    Augment = 3,
    Dropout = 4,
    Mixup = 5,
    Sampler = 6,
    Split = 7,
}
