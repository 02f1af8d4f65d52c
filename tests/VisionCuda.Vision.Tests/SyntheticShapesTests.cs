using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Tests;

public class SyntheticShapesTests
{
    [Fact]
    public void SamplesAreAPureFunctionOfSeedSplitAndIndex()
    {
        var a = new SyntheticShapes(5, 32, seed: 3);
        var b = new SyntheticShapes(5, 32, seed: 3);
        var c = new SyntheticShapes(5, 32, seed: 4);
        var val = new SyntheticShapes(5, 32, seed: 3, split: SyntheticShapes.ValSplit);
        Assert.Equal(50, a.Count);
        for (int i = 0; i < a.Count; i += 7)
        {
            using var x = a.Load(i);
            using var y = b.Load(i);
            using var z = c.Load(i);
            using var v = val.Load(i);
            Assert.Equal(TestImages.Bytes(x), TestImages.Bytes(y));
            Assert.NotEqual(TestImages.Bytes(x), TestImages.Bytes(z));
            Assert.NotEqual(TestImages.Bytes(x), TestImages.Bytes(v));
            Assert.Equal(i % 10, a.GetLabel(i));
            Assert.Equal(3, x.Channels());
            Assert.Equal(32, x.Rows);
        }
        Assert.Equal([5, 5, 5, 5, 5, 5, 5, 5, 5, 5], a.ClassCounts());
    }

    [Fact]
    public void WrittenImageFolderReadsBackWithTheSameLabels()
    {
        using var d = new TempDir();
        SyntheticShapes.WriteImageFolder(d.Path, trainPerClass: 2, valPerClass: 1, imageSize: 24, seed: 5);
        var data = ImageFolder.Open(d.Path);
        Assert.Equal(SyntheticShapes.Names, data.ClassNames);
        Assert.Equal(20, data.Train.Count);
        Assert.Equal(10, data.Val.Count);
        var source = new SyntheticShapes(2, 24, seed: 5);
        // files are named by source index, sorted within each class folder
        var folder = (ImageFolderDataset)data.Train;
        for (int i = 0; i < folder.Count; i++)
        {
            int sourceIndex = int.Parse(Path.GetFileNameWithoutExtension(folder.PathOf(i)));
            Assert.Equal(source.GetLabel(sourceIndex), folder.GetLabel(i));
            using var png = folder.Load(i);
            using var mem = source.Load(sourceIndex);
            Assert.Equal(TestImages.Bytes(mem), TestImages.Bytes(png)); // PNG is lossless
        }
    }

    [Fact]
    public void SplitsShareClassNames()
    {
        var data = SyntheticShapes.CreateSplits(trainPerClass: 3, valPerClass: 2, imageSize: 16);
        Assert.Equal(30, data.Train.Count);
        Assert.Equal(20, data.Val.Count);
        Assert.Equal(10, data.NumClasses);
        Assert.Equal(3, data.Channels);
    }
}
