using BenchmarkDotNet.Attributes;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Benchmarks.Augment;

/// <summary>
/// The host side of one training epoch of the detection loader (32 synthetic images, imgsz 320, batch 8, mosaic,
/// mixup 0.3, HSV, flips, images cached so decoding is out of the picture): batches rendered on the Cpu (the default
/// path) against batches planned for the device (DeviceAugment: the loader stops after mosaic composition, the draws
/// and the boxes, and the backend's AugmentBatch does the per-pixel work, not timed here). The gap is what a Cuda
/// training run takes off the loader threads.
/// </summary>
public class DetectionLoaderBenchmarks
{
    private SyntheticDetection _data = null!;
    private DetectionLoaderOptions _options = null!;

    [Params(0, 2)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new SyntheticDetection(32, 320, seed: 2);
        _options = new DetectionLoaderOptions
        {
            BatchSize = 8, Workers = Workers, Shuffle = true, Seed = 1, Augment = true, CacheImages = true, Epochs = 100,
            Augmentation = new DetectAugmentOptions { Imgsz = 320, Mixup = 0.3f, Degrees = 5 },
        };
    }

    private static int Drain(DetectionLoader loader)
    {
        int n = 0;
        foreach (var b in loader.Epoch(1))
            using (b) n += b.Count;
        return n;
    }

    [Benchmark(Baseline = true, Description = "epoch, batches rendered on the Cpu")]
    public int Rendered() => Drain(new DetectionLoader(_data, _options));

    [Benchmark(Description = "epoch, batches planned for AugmentBatch")]
    public int Planned() => Drain(new DetectionLoader(_data, _options with { DeviceAugment = true }));
}
