using VisionCuda.Backends;
using VisionCuda.Cpu;
using VisionCuda.Cuda;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Tests.Detect.Train;

/// <summary>
/// The detection loader's device path (DeviceAugment: host draws, boxes and mosaic canvases; warp, mixup, HSV, flips
/// and float conversion in the backend's AugmentBatch) gives the same training batches as its Cpu path: the same
/// targets, and images equal bit for bit on cuda-emu (and on the Cpu backend's own op), for the synthetic set at a
/// small imgsz with every augmentation switched on.
/// </summary>
public class DeviceAugmentLoaderTests
{
    public static TheoryData<string> Settings() => new() { "mosaic+mixup", "perspective", "letterbox" };

    private static DetectionLoaderOptions Options(string setting)
    {
        var aug = new DetectAugmentOptions { Imgsz = 64, Degrees = 10, Shear = 3, Flipud = 0.5f, Mixup = 0.5f };
        aug = setting switch
        {
            "perspective" => aug with { Perspective = 0.0008f, Mixup = 0.3f },
            "letterbox" => aug with { Mosaic = 0f, Mixup = 0f },   // what close_mosaic switches to
            _ => aug,
        };
        return new DetectionLoaderOptions { BatchSize = 4, Workers = 0, Shuffle = true, Seed = 21, Augment = true, Epochs = 5, Augmentation = aug };
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void DeviceBatchesEqualTheCpuLoadersBatches(string setting)
    {
        var ds = new SyntheticDetection(10, 96, seed: 7);
        var o = Options(setting);
        var host = new DetectionLoader(ds, o).Epoch(1).ToList();
        var planned = new DetectionLoader(ds, o with { DeviceAugment = true }).Epoch(1).ToList();
        using var emu = CudaBackend.OpenEmulator();
        using var cpu = new CpuBackend(threads: 2);
        try
        {
            Assert.Equal(host.Count, planned.Count);
            int withMix = 0;
            for (int i = 0; i < host.Count; i++)
            {
                var a = host[i];
                var b = planned[i];
                Assert.Null(a.Plan);
                Assert.NotNull(b.Plan);
                Assert.Throws<InvalidOperationException>(() => b.Images);
                Assert.Equal(a.Indices, b.Indices);
                Assert.Equal(a.Targets, b.Targets);
                withMix += b.Plan!.Images.Count(r => r.Mix != null);
                var expected = a.Images.AsSpan(0, a.Count * 3 * a.Height * a.Width).ToArray();
                foreach (IBackend backend in new IBackend[] { emu, cpu })
                {
                    using var x = b.ToTensor(backend);
                    Assert.Equal(a.Shape, x.Shape);
                    var got = x.ToArray();
                    int bad = -1;
                    for (int k = 0; k < got.Length && bad < 0; k++)
                        if (BitConverter.SingleToInt32Bits(got[k]) != BitConverter.SingleToInt32Bits(expected[k])) bad = k;
                    Assert.True(bad < 0, $"{setting}, batch {i} on {backend.Name}: element {bad}: {(bad >= 0 ? got[bad] * 255 : 0)} vs cpu loader {(bad >= 0 ? expected[bad] * 255 : 0)}");
                }
            }
            if (o.Augmentation.Mixup > 0) Assert.True(withMix > 0, "the epoch should contain mixup samples");
        }
        finally
        {
            foreach (var b in host) b.Dispose();
            foreach (var b in planned) b.Dispose();
        }
    }
}
