namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// A rank-6 index space with two stride sets, passed to kernels by value. Lower ranks are padded with leading
/// size-1 dims (stride 0), so the kernels decompose an index with straight-line code and no arrays.
/// Used for broadcasting binaries (A/B = operand strides) and permutes (A = source strides, B unused).
/// </summary>
internal struct Shape6
{
    public int S0, S1, S2, S3, S4, S5;
    public long A0, A1, A2, A3, A4, A5;
    public long B0, B1, B2, B3, B4, B5;

    public static Shape6 Create(int[] shape, long[] a, long[] b)
    {
        if (shape.Length > 6) throw new ArgumentException($"rank {shape.Length} exceeds 6");
        int pad = 6 - shape.Length;
        var s = new int[6];
        var sa = new long[6];
        var sb = new long[6];
        for (int i = 0; i < 6; i++)
        {
            s[i] = i < pad ? 1 : shape[i - pad];
            sa[i] = i < pad ? 0 : a[i - pad];
            sb[i] = i < pad ? 0 : b[i - pad];
        }
        return new Shape6
        {
            S0 = s[0], S1 = s[1], S2 = s[2], S3 = s[3], S4 = s[4], S5 = s[5],
            A0 = sa[0], A1 = sa[1], A2 = sa[2], A3 = sa[3], A4 = sa[4], A5 = sa[5],
            B0 = sb[0], B1 = sb[1], B2 = sb[2], B3 = sb[3], B4 = sb[4], B5 = sb[5],
        };
    }

    /// <summary>Offsets into A and B of linear (row-major) output index <paramref name="i"/>.</summary>
    public readonly void Offsets(long i, out long oa, out long ob)
    {
        long r = i, c;
        c = r % S5; r /= S5; oa = c * A5; ob = c * B5;
        c = r % S4; r /= S4; oa += c * A4; ob += c * B4;
        c = r % S3; r /= S3; oa += c * A3; ob += c * B3;
        c = r % S2; r /= S2; oa += c * A2; ob += c * B2;
        c = r % S1; r /= S1; oa += c * A1; ob += c * B1;
        oa += r * A0; ob += r * B0;
    }
}
