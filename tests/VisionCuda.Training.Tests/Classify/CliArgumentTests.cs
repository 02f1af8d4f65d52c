using VisionCuda.Cli.Parsing;

namespace VisionCuda.Training.Tests.Classify;

public class CliArgumentTests
{
    [Fact]
    public void KeyValueAndDashedFormsNormalizeToTheSameTokens()
    {
        Assert.Equal(new[] { "train", "classify", "--epochs", "3", "--cos_lr", "True", "--lr0", "0.1" },
            ArgvNormalizer.Normalize(new[] { "train", "classify", "epochs=3", "--cos_lr=True", "--lr0", "0.1" }));
    }

    [Fact]
    public void UnknownArgumentIsNamedWithExitCode2()
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("train", "classify", "bogus_arg=1");
        Assert.Equal(2, code);
        Assert.Contains("bogus_arg", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData("epochs=abc", "epochs")]
    [InlineData("epochs=0", "epochs")]
    [InlineData("lr0=-1", "lr0")]
    [InlineData("optimizer=Lion", "optimizer")]
    [InlineData("cos_lr=maybe", "cos_lr")]
    public void InvalidValuesAreNamed(string arg, string name)
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("train", "classify", arg);
        Assert.Equal(2, code);
        Assert.Contains($"'{name}'", err);
    }

    [Fact]
    public void UnknownModelNameListsTheKnownOnes()
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("train", "classify", "model=vgg99", "epochs=1");
        Assert.NotEqual(0, code);
        Assert.Contains("vgg99", err);
        Assert.Contains("resnet18", err);
    }

    [Fact]
    public void MissingDataFolderIsNamed()
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("train", "classify", "data=/no/such/folder", "epochs=1");
        Assert.NotEqual(0, code);
        Assert.Contains("/no/such/folder", err);
    }

    [Fact]
    public void UnknownDeviceListsAvailableDevices()
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("train", "classify", "device=ilgpu:cl:9", "epochs=1");
        Assert.NotEqual(0, code);
        Assert.Contains("ilgpu:cl:9", err);
        Assert.Contains("cpu", err);
    }
}
