using VisionCuda.Vision.Detection;

namespace VisionCuda.Vision.Tests.Detection;

public class YoloDatasetTests
{
    /// <summary>The acceptance "bad data" set: a corrupt image, a class out of range, a 4-column line and a
    /// coordinate of 1.3, next to good images.</summary>
    internal static string MakeBadSet(TempDir t)
    {
        string img = t.Sub("bad", "images", "train"), lbl = t.Sub("bad", "labels", "train");
        Directory.CreateDirectory(img);
        Directory.CreateDirectory(lbl);
        for (int i = 0; i < 6; i++)
        {
            using var m = TestImages.Gradient(80, 60, i);
            TestImages.WritePng(Path.Combine(img, $"good{i}.png"), m);
            File.WriteAllText(Path.Combine(lbl, $"good{i}.txt"), $"{i % 3} 0.5 0.5 0.4 0.3\n1 0.25 0.3 0.2 0.2\n");
        }
        File.WriteAllBytes(Path.Combine(img, "corrupt.jpg"), [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3]);
        File.WriteAllText(Path.Combine(lbl, "corrupt.txt"), "0 0.5 0.5 0.1 0.1\n");
        foreach (var name in new[] { "cls", "cols", "coord", "bg" })
        {
            using var m = TestImages.Gradient(64, 64, name.Length);
            TestImages.WritePng(Path.Combine(img, name + ".png"), m);
        }
        File.WriteAllText(Path.Combine(lbl, "cls.txt"), "0 0.5 0.5 0.2 0.2\n7 0.5 0.5 0.2 0.2\n");
        File.WriteAllText(Path.Combine(lbl, "cols.txt"), "0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2\n");
        File.WriteAllText(Path.Combine(lbl, "coord.txt"), "2 1.3 0.5 0.2 0.2\n0 0.4 0.4 0.2 0.2\n");
        string yaml = t.Sub("bad", "data.yaml");
        File.WriteAllText(yaml, "path: .\ntrain: images/train\nval: images/train\nnames: [a, b, c]\n");
        return yaml;
    }

    [Fact]
    public void BadDataIsReportedOnceEachWithFileAndLine()
    {
        using var t = new TempDir();
        string yaml = MakeBadSet(t);
        var warnings = new List<string>();
        var y = DatasetYaml.Load(yaml);
        var ds = new YoloDataset(y.ImageFiles("train"), y.Names, new YoloDatasetOptions { Warn = warnings.Add });
        string lbl = t.Sub("bad", "labels", "train");
        string[] expected =
        [
            t.Sub("bad", "images", "train", "corrupt.jpg") + ": corrupt image",
            Path.Combine(lbl, "cls.txt") + ":2: class 7",
            Path.Combine(lbl, "cols.txt") + ":2: expected 5 columns",
            Path.Combine(lbl, "coord.txt") + ":1: coordinates outside [0, 1] by 0.3",
        ];
        foreach (var e in expected) Assert.Equal(1, warnings.Count(w => w.Contains(e)));
        Assert.Equal(4, warnings.Count);
        Assert.Equal(4, ds.Issues.Count);
        Assert.Equal(9, ds.Count); // 11 images, the corrupt one and the one with class 7 left out
        Assert.Equal(1, ds.MissingLabels); // bg.png
        int coord = Enumerable.Range(0, ds.Count).Single(i => ds.Describe(i).EndsWith("coord.png"));
        Assert.Equal([new YoloBox(0, 0.4f, 0.4f, 0.2f, 0.2f)], ds.GetLabels(coord));

        // Training over it runs to the end without further reports.
        var loader = new DetectionLoader(ds, new DetectionLoaderOptions
        {
            BatchSize = 4, Workers = 2, Augment = true, Shuffle = true, Seed = 1, Epochs = 2, Warn = warnings.Add,
            Augmentation = new DetectAugmentOptions { Imgsz = 64, Mixup = 0.5f, CloseMosaic = 1 },
        });
        int images = 0;
        for (int epoch = 0; epoch < 2; epoch++)
            foreach (var b in loader.Epoch(epoch)) using (b) images += b.Count;
        Assert.Equal(18, images);
        Assert.Equal(4, warnings.Count);

        // A second load comes from the cache and reports the same problems once again (once per load).
        var again = new List<string>();
        var ds2 = new YoloDataset(y.ImageFiles("train"), y.Names, new YoloDatasetOptions { Warn = again.Add });
        Assert.True(ds2.CacheHit);
        Assert.Equal(warnings.Take(4), again);
    }

    [Fact]
    public void CacheIsInvalidatedWhenALabelChanges()
    {
        using var t = new TempDir();
        string img = t.Sub("images", "train"), lbl = t.Sub("labels", "train");
        DatasetYamlTests.MakeImages(img, 3);
        Directory.CreateDirectory(lbl);
        for (int i = 0; i < 3; i++) File.WriteAllText(Path.Combine(lbl, $"im{i}.txt"), "0 0.5 0.5 0.2 0.2\n");
        var files = Directory.GetFiles(img).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var a = new YoloDataset(files, ["x", "y"], new YoloDatasetOptions { Warn = _ => { } });
        Assert.False(a.CacheHit);
        Assert.Equal(t.Sub("labels", "train.cache"), a.CachePath);
        Assert.True(File.Exists(a.CachePath));
        var b = new YoloDataset(files, ["x", "y"], new YoloDatasetOptions { Warn = _ => { } });
        Assert.True(b.CacheHit);
        Assert.Equal(a.GetLabels(1), b.GetLabels(1));
        Assert.Equal((40, 30), b.ImageSize(0));

        File.WriteAllText(Path.Combine(lbl, "im1.txt"), "1 0.25 0.5 0.2 0.2\n0 0.5 0.5 0.1 0.1\n");
        File.SetLastWriteTimeUtc(Path.Combine(lbl, "im1.txt"), DateTime.UtcNow.AddMinutes(1));
        var c = new YoloDataset(files, ["x", "y"], new YoloDatasetOptions { Warn = _ => { } });
        Assert.False(c.CacheHit);
        Assert.Equal(2, c.GetLabels(1).Length);

        // A different nc changes the checks, so it misses the cache too.
        var d = new YoloDataset(files, ["x", "y", "z"], new YoloDatasetOptions { Warn = _ => { } });
        Assert.False(d.CacheHit);
        // Removing a label file invalidates it as well.
        File.Delete(Path.Combine(lbl, "im2.txt"));
        var e = new YoloDataset(files, ["x", "y", "z"], new YoloDatasetOptions { Warn = _ => { } });
        Assert.False(e.CacheHit);
        Assert.Empty(e.GetLabels(2));
    }

    [Fact]
    public void ClassFrequencyAndWeights()
    {
        var ds = new SyntheticDetection(30, 128, seed: 3);
        var counts = ds.ClassCounts();
        Assert.Equal(ds.InstanceCount(), counts.Sum());
        var f = ds.ClassFrequency();
        Assert.Equal(1f, f.Sum(), 4);
        var w = ds.InverseFrequencyWeights();
        Assert.Equal(counts.Length, w.Length);
        int most = Array.IndexOf(counts, counts.Max()), least = Array.IndexOf(counts, counts.Where(c => c > 0).Min());
        Assert.True(w[least] >= w[most]);
    }
}
