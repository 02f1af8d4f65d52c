using System.IO.Compression;
using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Tests;

public class MnistTests
{
    private static byte[] Pixels(int n, int rows, int cols, int salt) =>
        Enumerable.Range(0, n * rows * cols).Select(i => (byte)((i * 37 + salt) % 256)).ToArray();

    private static void WriteSet(string dir, bool gzipTest = false)
    {
        IdxFile.Write(Path.Combine(dir, MnistDataset.TrainImages), [3, 4, 5], Pixels(3, 4, 5, 0));
        IdxFile.Write(Path.Combine(dir, MnistDataset.TrainLabels), [3], [7, 0, 3]);
        string testImages = Path.Combine(dir, MnistDataset.TestImages);
        IdxFile.Write(testImages, [2, 4, 5], Pixels(2, 4, 5, 1));
        IdxFile.Write(Path.Combine(dir, MnistDataset.TestLabels), [2], [9, 1]);
        if (gzipTest)
        {
            using (var src = File.OpenRead(testImages))
            using (var dst = new GZipStream(File.Create(testImages + ".gz"), CompressionLevel.Fastest))
                src.CopyTo(dst);
            File.Delete(testImages);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsIdxFilesDirectly(bool gzip)
    {
        using var d = new TempDir();
        WriteSet(d.Path, gzip);
        Assert.True(MnistDataset.Exists(d.Path));
        var data = MnistDataset.Load(d.Path);
        Assert.Equal(3, data.Train.Count);
        Assert.Equal(2, data.Val.Count);
        Assert.Equal(1, data.Channels);
        Assert.Equal(10, data.NumClasses);
        Assert.Equal([7, 0, 3], data.Train.Labels());
        Assert.Equal([9, 1], data.Val.Labels());
        using var img = data.Train.Load(1);
        Assert.Equal(4, img.Rows);
        Assert.Equal(5, img.Cols);
        Assert.Equal(1, img.Channels());
        Assert.Equal(Pixels(3, 4, 5, 0).AsSpan(20, 20).ToArray(), TestImages.Bytes(img));
        using var v = data.Val.Load(1);
        Assert.Equal(Pixels(2, 4, 5, 1).AsSpan(20, 20).ToArray(), TestImages.Bytes(v));
    }

    [Fact]
    public void BadFilesGiveMessagesNamingThem()
    {
        using var d = new TempDir();
        var missing = Assert.Throws<DatasetException>(() => MnistDataset.Load(d.Sub("none")));
        Assert.Contains(d.Sub("none"), missing.Message);

        WriteSet(d.Path);
        string labels = Path.Combine(d.Path, MnistDataset.TrainLabels);
        IdxFile.Write(labels, [2], [1, 2]);
        var mismatch = Assert.Throws<DatasetException>(() => MnistDataset.Load(d.Path));
        Assert.Contains(labels, mismatch.Message);

        File.WriteAllBytes(labels, [1, 2, 3, 4, 5]);
        var magic = Assert.Throws<DatasetException>(() => MnistDataset.Load(d.Path));
        Assert.Contains("not an idx file", magic.Message);

        File.Delete(labels);
        var gone = Assert.Throws<DatasetException>(() => MnistDataset.Load(d.Path));
        Assert.Contains(MnistDataset.TrainLabels, gone.Message);
    }
}
