using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Vision.Tests;

public class SourcesTests
{
    [Fact]
    public void NoDataMeansTheEmbeddedSyntheticSet()
    {
        var data = ClassificationSources.Open(null, new ImageFolderOptions { Fraction = 0.1 });
        Assert.IsType<SyntheticShapes>(data.Val);
        Assert.Equal(1000, data.Train.Count);
        Assert.Equal([100, 100, 100, 100, 100, 100, 100, 100, 100, 100], data.Train.ClassCounts());
    }

    [Fact]
    public void FolderSourcesAndPredictSources()
    {
        using var d = new TempDir();
        SyntheticShapes.WriteImageFolder(d.Path, 1, 1, 16);
        var data = ClassificationSources.Open(d.Path);
        Assert.IsType<ImageFolderDataset>(data.Train);
        Assert.Equal(10, ImageIO.FindImages(d.Sub("val")).Count);
        string one = ImageIO.FindImages(d.Sub("val"))[0];
        Assert.Equal([one], ImageIO.FindImages(one));
        Assert.Throws<DatasetException>(() => ImageIO.FindImages(d.Sub("missing")));
        Assert.Throws<DatasetException>(() => ClassificationSources.Open(d.Sub("missing")));
    }

    [Fact]
    public void PipelineBuildsTrainAndValLoaders()
    {
        var data = SyntheticShapes.CreateSplits(4, 2, 32);
        var o = new ClassifyPipelineOptions { ImgSz = 32, Batch = 8, Workers = 2, Mixup = 0.2, BalancedSampling = true };
        var train = ClassifyPipeline.TrainLoader(data.Train, o);
        var val = ClassifyPipeline.ValLoader(data.Val, o);
        Assert.Equal(5, train.BatchCount);
        Assert.Equal(3, val.BatchCount);
        int n = 0;
        foreach (var b in val.Epoch(0)) using (b) { n += b.Count; Assert.Null(b.Mixed); }
        Assert.Equal(20, n);
        foreach (var b in train.Epoch(0)) using (b) Assert.NotNull(b.Mixed);
    }

    /// <summary>Only where tools/mnist/prepare.sh has run (CI runs it); otherwise there is nothing to check.</summary>
    [Fact]
    public void RealMnistWhenPrepared()
    {
        if (!MnistDataset.Exists()) return;
        var data = MnistDataset.Load();
        Assert.Equal(60000, data.Train.Count);
        Assert.Equal(10000, data.Val.Count);
        using var img = data.Train.Load(0);
        Assert.Equal(28, img.Rows);
        Assert.Equal(5, data.Train.GetLabel(0)); // the first MNIST training digit is a 5
    }
}
