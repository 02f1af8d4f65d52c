using VisionCuda.Vision.Detection;

namespace VisionCuda.Vision.Tests.Detection;

public class LabelTests
{
    private static LabelFile.Result Parse(params string[] lines) => LabelFile.Parse(lines, "f.txt", nc: 3);

    [Fact]
    public void GoodLinesParse()
    {
        var r = Parse("0 0.5 0.5 0.2 0.4", "", "2 0.1 0.2 0.1 0.1");
        Assert.Empty(r.Issues);
        Assert.Equal([new YoloBox(0, 0.5f, 0.5f, 0.2f, 0.4f), new YoloBox(2, 0.1f, 0.2f, 0.1f, 0.1f)], r.Boxes);
    }

    [Fact]
    public void ClassOutOfRangeLeavesImageOut()
    {
        var r = Parse("0 0.5 0.5 0.2 0.4", "3 0.5 0.5 0.2 0.2");
        var issue = Assert.Single(r.Issues);
        Assert.Equal(LabelIssueKind.ClassOutOfRange, issue.Kind);
        Assert.StartsWith("f.txt:2:", issue.ToString());
        Assert.True(r.Excluded);
        Assert.Empty(r.Boxes);
    }

    [Fact]
    public void WrongColumnCountSkipsLine()
    {
        var r = Parse("0 0.5 0.5 0.2", "1 0.5 0.5 0.2 0.2");
        var issue = Assert.Single(r.Issues);
        Assert.Equal(LabelIssueKind.WrongColumnCount, issue.Kind);
        Assert.StartsWith("f.txt:1:", issue.ToString());
        Assert.Single(r.Boxes);
    }

    [Fact]
    public void SlightlyOutsideIsClipped()
    {
        var r = Parse("1 1.005 0.5 0.2 0.2");
        var issue = Assert.Single(r.Issues);
        Assert.Equal(LabelIssueKind.Clipped, issue.Kind);
        Assert.StartsWith("f.txt:1:", issue.ToString());
        var b = Assert.Single(r.Boxes);
        Assert.Equal(0.95f, b.Cx, 5);  // x from 0.9 to 1.0 after clipping
        Assert.Equal(0.1f, b.W, 5);
    }

    [Fact]
    public void FarOutsideSkipsBox()
    {
        var r = Parse("1 1.3 0.5 0.2 0.2", "0 0.5 0.5 0.1 0.1");
        var issue = Assert.Single(r.Issues);
        Assert.Equal(LabelIssueKind.OutOfBounds, issue.Kind);
        Assert.StartsWith("f.txt:1:", issue.ToString());
        Assert.Single(r.Boxes);
    }

    [Fact]
    public void DuplicatesRemoved()
    {
        var r = Parse("0 0.5 0.5 0.2 0.2", "1 0.5 0.5 0.2 0.2", "0 0.5 0.5 0.2 0.2");
        var issue = Assert.Single(r.Issues);
        Assert.Equal(LabelIssueKind.Duplicate, issue.Kind);
        Assert.StartsWith("f.txt:3:", issue.ToString());
        Assert.Contains("line 1", issue.Message);
        Assert.Equal(2, r.Boxes.Length);
    }

    [Fact]
    public void EmptyAndMissingAreBackground()
    {
        var e = Parse("", "  ");
        Assert.True(e.Empty);
        Assert.Empty(e.Boxes);
        Assert.Empty(e.Issues);
        var m = LabelFile.Read("/nonexistent/x.txt", 3);
        Assert.True(m.Missing);
        Assert.Empty(m.Boxes);
    }

    [Fact]
    public void PolygonBecomesItsBox()
    {
        var r = Parse("1 0.1 0.2 0.5 0.2 0.3 0.6");
        Assert.Empty(r.Issues);
        var b = Assert.Single(r.Boxes);
        Assert.Equal(new YoloBox(1, 0.3f, 0.4f, 0.4f, 0.4f), b with { Cx = MathF.Round(b.Cx, 5), Cy = MathF.Round(b.Cy, 5), W = MathF.Round(b.W, 5), H = MathF.Round(b.H, 5) });
    }
}
