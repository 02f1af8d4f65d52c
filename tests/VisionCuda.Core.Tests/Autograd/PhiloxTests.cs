using VisionCuda.Random;

namespace VisionCuda.Core.Tests.Autograd;

public class PhiloxTests
{
    [Fact]
    public void MatchesThePublishedKnownAnswerVector()
    {
        // Random123 kat_vectors: philox4x32 R=10, counter = key = 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8.
        var (a, b, c, d) = Philox.Block(0, 0, 0);
        Assert.Equal(0x6627e8d5u, a);
        Assert.Equal(0xe169c58du, b);
        Assert.Equal(0xbc57ac4cu, c);
        Assert.Equal(0x9b00dbd8u, d);
    }

    [Fact]
    public void MatchesTheSecondKnownAnswerVector()
    {
        // Random123 kat_vectors: counter all ones, key all ones -> 408f276d 41c83b0e a20bc7c6 6d5451fd.
        var (a, b, c, d) = Philox.Block(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);
        Assert.Equal(0x408f276du, a);
        Assert.Equal(0x41c83b0eu, b);
        Assert.Equal(0xa20bc7c6u, c);
        Assert.Equal(0x6d5451fdu, d);
    }

    [Fact]
    public void KeysSeparatePurposesAndSamples()
    {
        Assert.NotEqual(Philox.Key(0, 1, 2, RandomPurpose.Augment), Philox.Key(0, 1, 2, RandomPurpose.Shuffle));
        Assert.NotEqual(Philox.Key(0, 1, 2), Philox.Key(0, 1, 3));
        Assert.Equal(Philox.Key(5, 1, 2), Philox.Key(5, 1, 2));
    }
}
