using OpenCvSharp;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Loading;

namespace VisionCuda.Vision.Tests;

public class DataLoaderTests
{
    private static readonly SyntheticShapes Data = new(perClass: 6, imageSize: 32, seed: 1);

    private static DataLoader Loader(int workers, int prefetch = 2, bool dropLast = false, MixupCutmix? mix = null, int batch = 8) =>
        new(Data,
            new ClassifyTrainTransform(24, ClassifyAugmentOptions.Default with { Degrees = 10, Grayscale = 0.2 }, seed: 11),
            new DataLoaderOptions { BatchSize = batch, Workers = workers, Prefetch = prefetch, Shuffle = true, Seed = 4, DropLast = dropLast, Mix = mix });

    private static List<(float[] Images, int[] Labels, int[] Indices, MixedTargets[]? Mixed)> Collect(DataLoader loader, long epoch) =>
        loader.Epoch(epoch).Select(b =>
        {
            using (b) return (b.Images.ToArray(), b.Labels, b.Indices, b.Mixed);
        }).ToList();

    [Fact]
    public void BatchesAreBitwiseEqualForAnyWorkerCount()
    {
        var mix = new MixupCutmix(0.5, 0.5, seed: 2);
        var sync = Collect(Loader(0, mix: mix), 3);
        Assert.Equal(8, sync.Count);
        Assert.Equal(4, sync[^1].Labels.Length);
        foreach (var (workers, prefetch) in new[] { (2, 2), (3, 1), (1, 4) })
        {
            var threaded = Collect(Loader(workers, prefetch, mix: mix), 3);
            Assert.Equal(sync.Count, threaded.Count);
            for (int b = 0; b < sync.Count; b++)
            {
                Assert.True(sync[b].Images.AsSpan().SequenceEqual(threaded[b].Images), $"batch {b} images differ with {workers} workers");
                Assert.Equal(sync[b].Labels, threaded[b].Labels);
                Assert.Equal(sync[b].Indices, threaded[b].Indices);
                Assert.Equal(sync[b].Mixed, threaded[b].Mixed);
            }
        }
    }

    [Fact]
    public void EachEpochVisitsEverySampleOnceInANewOrder()
    {
        var loader = Loader(2);
        var e0 = Collect(loader, 0).SelectMany(b => b.Indices).ToArray();
        var e1 = Collect(loader, 1).SelectMany(b => b.Indices).ToArray();
        Assert.Equal(Enumerable.Range(0, Data.Count), e0.OrderBy(i => i));
        Assert.NotEqual(e0, e1);
        Assert.Equal(e0, Collect(Loader(0), 0).SelectMany(b => b.Indices));
        var batch = Collect(loader, 0)[0];
        Assert.Equal(batch.Indices.Select(Data.GetLabel), batch.Labels);
    }

    [Fact]
    public void DropLastDropsThePartialBatch()
    {
        var loader = Loader(2, dropLast: true);
        Assert.Equal(7, loader.BatchCount);
        var batches = Collect(loader, 0);
        Assert.Equal(7, batches.Count);
        Assert.All(batches, b => Assert.Equal(8, b.Labels.Length));
    }

    [Fact]
    public void BatchShapeAndSoftTargets()
    {
        foreach (var b in Loader(0).Epoch(0))
        {
            using (b)
            {
                Assert.Equal([8, 3, 24, 24], b.Shape);
                Assert.Equal(8 * 3 * 24 * 24, b.Images.Length);
                var soft = b.SoftTargets(10);
                Assert.Equal(1f, soft.Take(10).Sum(), 5);
                Assert.Equal(1f, soft[b.Labels[0]]);
            }
            break;
        }
    }

    [Fact]
    public void CancellationAndEarlyBreakStopTheWorkers()
    {
        using var cts = new CancellationTokenSource();
        var loader = Loader(2, batch: 4);
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var b in loader.Epoch(0, cts.Token))
            {
                b.Dispose();
                if (++seen == 2) cts.Cancel();
            }
        });
        Assert.Equal(2, seen);
        foreach (var b in loader.Epoch(1)) { b.Dispose(); break; }
    }

    [Fact]
    public void WorkerFailureReachesTheConsumer()
    {
        var loader = new DataLoader(new Failing(Data, 13), new ClassifyValTransform(16),
            new DataLoaderOptions { BatchSize = 4, Workers = 2 });
        var e = Assert.Throws<InvalidOperationException>(() => { foreach (var b in loader.Epoch(0)) b.Dispose(); });
        Assert.Contains("13", e.Message);
    }

    private sealed class Failing(IClassificationDataset inner, int bad) : IClassificationDataset
    {
        public int Count => inner.Count;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public int Channels => inner.Channels;
        public int GetLabel(int index) => inner.GetLabel(index);
        public string Describe(int index) => inner.Describe(index);
        public Mat Load(int index) => index == bad ? throw new InvalidOperationException($"boom at {index}") : inner.Load(index);
    }
}
