using VisionCuda.Vision.Data;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Vision.Tests.Detection;

public class DatasetYamlTests
{
    internal static void MakeImages(string dir, int n, int w = 40, int h = 30)
    {
        Directory.CreateDirectory(dir);
        for (int i = 0; i < n; i++)
        {
            using var m = TestImages.Gradient(w, h, i);
            TestImages.WritePng(Path.Combine(dir, $"im{i}.png"), m);
        }
    }

    [Fact]
    public void ListNamesAndFolders()
    {
        using var t = new TempDir();
        MakeImages(t.Sub("images", "train"), 3);
        MakeImages(t.Sub("images", "train2"), 2);
        MakeImages(t.Sub("images", "val"), 1);
        File.WriteAllText(t.Sub("data.yaml"), "path: .\ntrain: [images/train, images/train2]\nval: images/val\nnames: [cat, dog]\n");
        var y = DatasetYaml.Load(t.Sub("data.yaml"));
        Assert.Equal(["cat", "dog"], y.Names);
        Assert.Equal(2, y.Nc);
        Assert.Equal(5, y.ImageFiles("train").Count);
        Assert.Single(y.ImageFiles("val"));
        Assert.Null(y.Test);
    }

    [Fact]
    public void DictNamesTxtListAndNc()
    {
        using var t = new TempDir();
        MakeImages(t.Sub("ds", "images", "all"), 4);
        File.WriteAllText(t.Sub("ds", "train.txt"), "./images/all/im0.png\nimages/all/im1.png\n\n" + t.Sub("ds", "images", "all", "im2.png") + "\n");
        File.WriteAllText(t.Sub("cfg.yaml"), "path: ds\ntrain: train.txt\nval: images/all/im3.png\nnc: 3\nnames:\n  2: bird\n  0: cat\n  1: dog\n");
        var y = DatasetYaml.Load(t.Sub("cfg.yaml"));
        Assert.Equal(["cat", "dog", "bird"], y.Names);
        var train = y.ImageFiles("train");
        Assert.Equal(3, train.Count);
        Assert.Equal(t.Sub("ds", "images", "all", "im1.png"), train[1]);
        Assert.Single(y.ImageFiles("val"));
    }

    [Fact]
    public void NcMismatchNamesTheLine()
    {
        var e = Assert.Throws<DatasetException>(() => DatasetYaml.Parse("train: a\nval: b\nnc: 3\nnames: [a, b]\n", "/x/d.yaml"));
        Assert.Contains("/x/d.yaml:3:", e.Message);
    }

    [Fact]
    public void MalformedYamlNamesFileAndLine()
    {
        var e = Assert.Throws<DatasetException>(() => DatasetYaml.Parse("train: a\nval: b\nnames: [a, b\nnc: 2\n", "/x/bad.yaml"));
        Assert.Matches(@"/x/bad\.yaml:\d+: malformed YAML", e.Message);
        var e2 = Assert.Throws<DatasetException>(() => DatasetYaml.Parse("train: a\n  val: : b\n", "/x/bad2.yaml"));
        Assert.Contains("/x/bad2.yaml:2:", e2.Message);
    }

    [Fact]
    public void OnlyNcGivesGenericNames()
    {
        var y = DatasetYaml.Parse("train: a\nnc: 2\n", "/x/d.yaml");
        Assert.Equal(["class0", "class1"], y.Names);
    }

    [Fact]
    public void MissingSplitPathIsAnError()
    {
        using var t = new TempDir();
        File.WriteAllText(t.Sub("d.yaml"), "train: nowhere\nnames: [a]\n");
        var e = Assert.Throws<DatasetException>(() => DatasetYaml.Load(t.Sub("d.yaml")).ImageFiles("train"));
        Assert.Contains("nowhere", e.Message);
    }

    [Theory]
    [InlineData("/d/images/train/a.jpg", "/d/labels/train/a.txt")]
    [InlineData("/images/d/images/x.y.png", "/images/d/labels/x.y.txt")]
    [InlineData("/d/pics/a.jpg", "/d/pics/a.txt")]
    public void LabelPathRule(string image, string label) => Assert.Equal(label, DatasetYaml.LabelPathFor(image));
}
