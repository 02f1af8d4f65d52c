using VisionCuda.Vision.Detection;

namespace VisionCuda.Vision.Tests.Detection;

public class LoaderTests
{
    private static List<(float[] Images, float[] Targets, int[] Indices)> Run(IDetectionDataset ds, DetectionLoaderOptions o, long epoch)
    {
        var loader = new DetectionLoader(ds, o);
        var r = new List<(float[], float[], int[])>();
        foreach (var b in loader.Epoch(epoch))
            using (b)
                r.Add((b.Images.AsSpan(0, b.Count * 3 * b.Height * b.Width).ToArray(), b.Targets, b.Indices));
        return r;
    }

    [Fact]
    public void TrainBatchesAreTheSameForAnyWorkerCount()
    {
        var ds = new SyntheticDetection(20, 96, seed: 4);
        var o = new DetectionLoaderOptions
        {
            BatchSize = 6, Workers = 0, Shuffle = true, Seed = 9, Augment = true, Epochs = 3,
            Augmentation = new DetectAugmentOptions { Imgsz = 64, Mixup = 0.5f, Degrees = 10, Shear = 2, Flipud = 0.5f, CloseMosaic = 1 },
        };
        foreach (long epoch in new long[] { 0, 2 })
        {
            var a = Run(ds, o, epoch);
            var b = Run(ds, o with { Workers = 2, Prefetch = 1 }, epoch);
            Assert.Equal(4, a.Count);
            Assert.Equal(a.Count, b.Count);
            for (int i = 0; i < a.Count; i++)
            {
                Assert.Equal(a[i].Indices, b[i].Indices);
                Assert.Equal(a[i].Targets, b[i].Targets);
                Assert.True(a[i].Images.AsSpan().SequenceEqual(b[i].Images));
            }
        }
        // A different epoch gives different augmentation.
        Assert.NotEqual(Run(ds, o, 0)[0].Targets, Run(ds, o, 1)[0].Targets);
    }

    [Fact]
    public void TrainBatchFormat()
    {
        var ds = new SyntheticDetection(8, 128, seed: 1);
        var loader = new DetectionLoader(ds, new DetectionLoaderOptions
        {
            BatchSize = 4, Workers = 0, Augment = true, Seed = 3,
            Augmentation = new DetectAugmentOptions { Imgsz = 96 },
        });
        Assert.True(loader.MosaicActive(0));
        Assert.False(loader.MosaicActive(95));
        using var b = loader.Epoch(0).First();
        Assert.Equal([4, 3, 96, 96], b.Shape);
        Assert.True(b.TargetCount > 0);
        for (int t = 0; t < b.TargetCount; t++)
        {
            int bi = (int)b.Targets[6 * t];
            Assert.InRange(bi, 0, 3);
            Assert.InRange((int)b.Targets[6 * t + 1], 0, 5);
            float cx = b.Targets[6 * t + 2], cy = b.Targets[6 * t + 3], w = b.Targets[6 * t + 4], h = b.Targets[6 * t + 5];
            Assert.True(cx - w / 2 >= -1e-5 && cx + w / 2 <= 1 + 1e-5 && cy - h / 2 >= -1e-5 && cy + h / 2 <= 1 + 1e-5);
            Assert.True(w * 96 > 2 && h * 96 > 2);
        }
        Assert.All(b.Images.AsSpan(0, 4 * 3 * 96 * 96).ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void CloseMosaicFollowsUltralytics()
    {
        var ds = new SyntheticDetection(4, 64);
        DetectionLoader L(int epochs, int close) => new(ds, new DetectionLoaderOptions { Augment = true, Epochs = epochs, Augmentation = new DetectAugmentOptions { CloseMosaic = close } });
        Assert.True(L(20, 10).MosaicActive(9));
        Assert.False(L(20, 10).MosaicActive(10));
        Assert.True(L(5, 10).MosaicActive(4));   // fewer epochs than close_mosaic: never closes (as Ultralytics)
        Assert.True(L(5, 0).MosaicActive(4));
        Assert.False(new DetectionLoader(ds, new DetectionLoaderOptions()).MosaicActive(0)); // val
    }

    [Fact]
    public void ValModeLetterboxesAndMapsBack()
    {
        using var t = new TempDir();
        string img = t.Sub("images"), lbl = t.Sub("labels");
        Directory.CreateDirectory(img);
        Directory.CreateDirectory(lbl);
        using (var m = TestImages.Gradient(200, 100)) TestImages.WritePng(Path.Combine(img, "a.png"), m);
        using (var m = TestImages.Gradient(50, 100)) TestImages.WritePng(Path.Combine(img, "b.png"), m);
        File.WriteAllText(Path.Combine(lbl, "a.txt"), "1 0.5 0.5 0.5 0.5\n");
        File.WriteAllText(Path.Combine(lbl, "b.txt"), "0 0.5 0.25 0.2 0.1\n");
        var ds = new YoloDataset(Directory.GetFiles(img).OrderBy(f => f, StringComparer.Ordinal).ToList(), ["x", "y"], new YoloDatasetOptions { Warn = _ => { } });
        var loader = new DetectionLoader(ds, new DetectionLoaderOptions { BatchSize = 2, Workers = 0, Augmentation = new DetectAugmentOptions { Imgsz = 64 } });
        using var b = loader.Epoch(0).Single();
        Assert.Equal([2, 3, 64, 64], b.Shape);
        // a.png: 200x100 -> 64x32, padded 16 on top: box (50,25)-(150,75) -> (16, 24)-(48, 40).
        var a = b.TargetsOf(0).Single();
        Assert.Equal(1, a.Cls);
        Assert.Equal(0.5f, a.Cx, 4);
        Assert.Equal(0.5f, a.Cy, 4);
        Assert.Equal(0.5f, a.W, 4);
        Assert.Equal(0.25f, a.H, 4);
        var info = b.Info[0];
        Assert.Equal((200, 100), (info.OrigWidth, info.OrigHeight));
        var (x1, y1, x2, y2) = info.BoxToOriginal(16, 24, 48, 40);
        Assert.Equal(50f, x1, 3); Assert.Equal(25f, y1, 3); Assert.Equal(150f, x2, 3); Assert.Equal(75f, y2, 3);
        // Pad pixels are 114 / 255.
        Assert.Equal(114f / 255f, b.Images[0], 5);

        // Rect: each batch gets its own shape (ceil(shape * S / 32 + 0.5) * 32).
        var rect = new DetectionLoader(ds, new DetectionLoaderOptions { BatchSize = 1, Workers = 0, Rect = true, Augmentation = new DetectAugmentOptions { Imgsz = 64 } });
        var shapes = rect.Epoch(0).Select(x => { using (x) return (x.Height, x.Width, x.Indices[0]); }).ToList();
        Assert.Equal([(64, 96, 0), (96, 64, 1)], shapes);
    }
}
