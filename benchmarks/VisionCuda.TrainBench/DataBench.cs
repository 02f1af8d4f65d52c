using System.Diagnostics;
using System.Globalization;
using VisionCuda.Vision.Detection;

namespace VisionCuda.TrainBench;

/// <summary>
/// The data side of a training step: DetectionLoader with Ultralytics' default train augmentation (mosaic, random
/// affine, HSV, flip) at imgsz, on the synthetic shapes set rendered at 640 px and kept in memory (cache, so decode
/// is excluded, as in the PyTorch stand-in), with no worker threads: images/s of one thread. The first epoch fills
/// the cache and is not timed.
/// </summary>
public static class DataBench
{
    public static void Run(TrainBenchOptions o, int images)
    {
        var set = new SyntheticDetection(images, imageSize: 640, seed: 1);
        var loader = new DetectionLoader(set, new DetectionLoaderOptions
        {
            BatchSize = o.Batch, Workers = 0, Shuffle = true, Seed = 1, Augment = true, CacheImages = true, Epochs = 100,
            Augmentation = new DetectAugmentOptions { Imgsz = o.Imgsz },
        });
        foreach (var b in loader.Epoch(0)) b.Dispose();
        var clock = Stopwatch.StartNew();
        int n = 0;
        foreach (var b in loader.Epoch(1))
        {
            n += b.Count;
            b.Dispose();
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours data (DetectionLoader mosaic+affine+hsv+flip, 0 workers): {n / clock.Elapsed.TotalSeconds:F1} img/s"));
    }
}
