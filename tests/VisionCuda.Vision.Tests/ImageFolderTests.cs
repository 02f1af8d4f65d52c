using OpenCvSharp;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Vision.Tests;

public class ImageFolderTests
{
    private static void MakeClass(string dir, int n, string ext = ".png")
    {
        Directory.CreateDirectory(dir);
        for (int i = 0; i < n; i++)
        {
            using var img = TestImages.Gradient(8, 6, i);
            ImageIO.Write(Path.Combine(dir, $"img{i:D3}{ext}"), img);
        }
    }

    [Fact]
    public void DiscoversTrainValLayoutWithSortedClasses()
    {
        using var d = new TempDir();
        MakeClass(d.Sub("train", "zebra"), 3);
        MakeClass(d.Sub("train", "ant"), 2, ".jpg");
        MakeClass(d.Sub("train", "Bee"), 1, ".bmp");
        MakeClass(d.Sub("val", "ant"), 1);
        MakeClass(d.Sub("val", "zebra"), 2);
        File.WriteAllText(d.Sub("train", "zebra", "notes.txt"), "ignored");
        var data = ImageFolder.Open(d.Path);
        Assert.Equal(["Bee", "ant", "zebra"], data.ClassNames);
        Assert.Equal(6, data.Train.Count);
        Assert.Equal(3, data.Val.Count);
        Assert.Null(data.Test);
        Assert.Equal([1, 2, 3], data.Train.ClassCounts());
        Assert.Equal([0, 1, 2], data.Val.ClassCounts());
        using var img = data.Train.Load(0);
        Assert.Equal(8, img.Cols);
    }

    [Fact]
    public void SingleFolderGetsDeterministicStratifiedSplit()
    {
        using var d = new TempDir();
        MakeClass(d.Sub("a"), 10);
        MakeClass(d.Sub("b"), 5);
        MakeClass(d.Sub("c"), 20);
        var data = ImageFolder.Open(d.Path, new ImageFolderOptions { Seed = 3 });
        Assert.Equal([2, 1, 4], data.Val.ClassCounts());
        Assert.Equal([8, 4, 16], data.Train.ClassCounts());
        var train = Files(data.Train);
        var val = Files(data.Val);
        Assert.Empty(train.Intersect(val));
        Assert.Equal(35, train.Union(val).Count());

        var again = ImageFolder.Open(d.Path, new ImageFolderOptions { Seed = 3 });
        Assert.Equal(val, Files(again.Val));
        var other = ImageFolder.Open(d.Path, new ImageFolderOptions { Seed = 4 });
        Assert.NotEqual(val, Files(other.Val));
    }

    [Fact]
    public void FractionKeepsAStratifiedSubsetOfTrain()
    {
        using var d = new TempDir();
        MakeClass(d.Sub("train", "a"), 10);
        MakeClass(d.Sub("train", "b"), 4);
        MakeClass(d.Sub("val", "a"), 2);
        var data = ImageFolder.Open(d.Path, new ImageFolderOptions { Fraction = 0.5 });
        Assert.Equal([5, 2], data.Train.ClassCounts());
        Assert.Equal(2, data.Val.Count);
    }

    [Fact]
    public void StratifiedSplitHandlesTinyClasses()
    {
        int[] labels = [0, 1, 1, 2, 2, 2];
        var (kept, held) = StratifiedSplit.Split(labels, 3, 0.2, 0);
        Assert.Equal(4, kept.Length);
        Assert.Equal(2, held.Length);
        Assert.Contains(0, kept); // a class of one stays in train
    }

    [Fact]
    public void MissingFolderNoImagesAndEmptyClassFolderAreNamed()
    {
        using var d = new TempDir();
        var missing = Assert.Throws<DatasetException>(() => ImageFolder.Open(d.Sub("nope")));
        Assert.Contains(d.Sub("nope"), missing.Message);

        Directory.CreateDirectory(d.Sub("empty_root"));
        var none = Assert.Throws<DatasetException>(() => ImageFolder.Open(d.Sub("empty_root")));
        Assert.Contains("no images", none.Message);
        Assert.Contains(d.Sub("empty_root"), none.Message);

        MakeClass(d.Sub("ds", "train", "cat"), 2);
        Directory.CreateDirectory(d.Sub("ds", "train", "dog"));
        File.WriteAllText(d.Sub("ds", "train", "dog", "readme.txt"), "not an image");
        var empty = Assert.Throws<DatasetException>(() => ImageFolder.Open(d.Sub("ds")));
        Assert.Contains(d.Sub("ds", "train", "dog"), empty.Message);
        Assert.Contains("contains no images", empty.Message);
    }

    [Fact]
    public void ValClassUnknownToTrainIsAnError()
    {
        using var d = new TempDir();
        MakeClass(d.Sub("train", "a"), 1);
        MakeClass(d.Sub("val", "b"), 1);
        var e = Assert.Throws<DatasetException>(() => ImageFolder.Open(d.Path));
        Assert.Contains(d.Sub("val", "b"), e.Message);
    }

    [Fact]
    public void CorruptImageIsSkippedWithOneWarningNamingTheFile()
    {
        using var d = new TempDir();
        MakeClass(d.Sub("train", "a"), 3);
        MakeClass(d.Sub("train", "b"), 3);
        MakeClass(d.Sub("val", "a"), 1);
        string bad = d.Sub("train", "b", "x.jpg");
        File.WriteAllBytes(bad, [0xFF, 0xD8, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
        var data = ImageFolder.Open(d.Path);
        Assert.Equal(7, data.Train.Count);

        foreach (int workers in new[] { 0, 2 })
        {
            var warnings = new List<string>();
            var loader = new DataLoader(data.Train, new ClassifyValTransform(8),
                new DataLoaderOptions { BatchSize = 4, Workers = workers, Warn = m => { lock (warnings) warnings.Add(m); } });
            for (int epoch = 0; epoch < 2; epoch++)
            {
                int seen = 0;
                foreach (var batch in loader.Epoch(epoch))
                    using (batch) seen += batch.Count;
                Assert.Equal(6, seen);
            }
            Assert.Single(warnings);
            Assert.Contains(bad, warnings[0]);
            Assert.Single(loader.SkippedSamples);
        }
    }

    private static List<string> Files(IClassificationDataset ds) => Enumerable.Range(0, ds.Count).Select(ds.Describe).ToList();
}
