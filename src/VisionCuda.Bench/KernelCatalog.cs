using VisionCuda.Bench.Cases;

namespace VisionCuda.Bench;

/// <summary>
/// The benchmark cases by size and op. Sizes:
/// - <c>tiny</c>: seconds on any backend, including ilgpu:cpu (an interpreter-speed accelerator) and CI's dry run;
/// - <c>small</c>: quick comparisons (the CLI default);
/// - <c>model</c>: shapes of real models. ResNet-18 stages at batch 8 (64x56x56, 128x28x28, 256x14x14, 512x7x7,
///   3x3 pad 1), yolov8n at 640 and 320 at batch 1 (C2f cv1 1x1 convs and bottleneck 3x3 convs at P3/P4/P5:
///   64/32, 128/64, 256/128 channels), batch-norm on ResNet-18 and yolov8n activations, elementwise over 16M floats,
///   cross-entropy over [256, 1000], optimizer steps over ResNet-18's 11,689,512 parameters, SGEMM 1024^3 and
///   ResNet-18's classifier (256 x 1000 x 512, B transposed), NMS suppression of the 10,000-box benchmark sets, and
///   detection batch augmentation (AugmentBatch) of a 16 x 640 mosaic batch.
/// </summary>
public static class KernelCatalog
{
    public static readonly string[] Sizes = { "tiny", "small", "model" };

    public static readonly string[] Ops = { "gemm", "conv", "bn", "add", "silu", "softmax", "sgd", "adamw", "nms", "augment" };

    public const long ResNet18Params = 11_689_512;

    /// <summary>Fresh (not set up) cases of <paramref name="size"/>, in catalog order, restricted to <paramref name="ops"/> when given.</summary>
    public static IEnumerable<KernelCase> Create(string size, IReadOnlyCollection<string>? ops = null)
    {
        foreach (var c in All(size))
            if (ops is null || ops.Count == 0 || ops.Contains(c.Op, StringComparer.OrdinalIgnoreCase)) yield return c;
    }

    /// <summary>The case with this key (<see cref="KernelCase.Key"/>) in any size, or an exception naming the known keys.</summary>
    public static KernelCase ByKey(string key)
    {
        foreach (var size in Sizes)
            foreach (var c in All(size))
                if (c.Key == key) return c;
        throw new ArgumentException($"no benchmark case '{key}'");
    }

    /// <summary>Keys of <paramref name="size"/>'s cases of one op (BenchmarkDotNet [ParamsSource]).</summary>
    public static IEnumerable<string> Keys(string size, string op) => Create(size, new[] { op }).Select(c => c.Key);

    private static IEnumerable<KernelCase> All(string size)
    {
        switch (size)
        {
            case "tiny":
                yield return new GemmCase(64, 64, 64, false);
                yield return new ConvCase(1, 8, 16, 16, 8, 3, 1, 1, "");
                yield return new BatchNormCase(2, 8, 16, 16, "");
                yield return new AddCase(1 << 16);
                yield return new SiluCase(1 << 16);
                yield return new SoftmaxCrossEntropyCase(16, 100);
                yield return new SgdCase(1 << 16);
                yield return new AdamWCase(1 << 16);
                yield return new NmsCase(200, clustered: false);
                yield return new AugmentCase(2, 32);
                break;
            case "small":
                yield return new GemmCase(256, 256, 256, false);
                yield return new ConvCase(1, 16, 28, 28, 16, 3, 1, 1, "");
                yield return new BatchNormCase(4, 32, 28, 28, "");
                yield return new AddCase(1 << 20);
                yield return new SiluCase(1 << 20);
                yield return new SoftmaxCrossEntropyCase(256, 1000);
                yield return new SgdCase(1 << 20);
                yield return new AdamWCase(1 << 20);
                yield return new NmsCase(2000, clustered: false);
                yield return new AugmentCase(4, 160);
                break;
            case "model":
                yield return new GemmCase(1024, 1024, 1024, false);
                yield return new GemmCase(256, 1000, 512, true, "resnet18 fc");
                yield return new ConvCase(8, 64, 56, 56, 64, 3, 1, 1, "resnet18 layer1");
                yield return new ConvCase(8, 128, 28, 28, 128, 3, 1, 1, "resnet18 layer2");
                yield return new ConvCase(8, 256, 14, 14, 256, 3, 1, 1, "resnet18 layer3");
                yield return new ConvCase(8, 512, 7, 7, 512, 3, 1, 1, "resnet18 layer4");
                foreach (int imgsz in new[] { 640, 320 })
                {
                    int p3 = imgsz / 8, p4 = imgsz / 16, p5 = imgsz / 32;
                    yield return new ConvCase(1, 64, p3, p3, 64, 1, 1, 0, $"yolov8n@{imgsz} P3 C2f 1x1");
                    yield return new ConvCase(1, 32, p3, p3, 32, 3, 1, 1, $"yolov8n@{imgsz} P3 C2f 3x3");
                    yield return new ConvCase(1, 128, p4, p4, 128, 1, 1, 0, $"yolov8n@{imgsz} P4 C2f 1x1");
                    yield return new ConvCase(1, 64, p4, p4, 64, 3, 1, 1, $"yolov8n@{imgsz} P4 C2f 3x3");
                    yield return new ConvCase(1, 256, p5, p5, 256, 1, 1, 0, $"yolov8n@{imgsz} P5 C2f 1x1");
                    yield return new ConvCase(1, 128, p5, p5, 128, 3, 1, 1, $"yolov8n@{imgsz} P5 C2f 3x3");
                }
                yield return new BatchNormCase(8, 64, 56, 56, "resnet18 layer1");
                yield return new BatchNormCase(8, 512, 7, 7, "resnet18 layer4");
                yield return new BatchNormCase(1, 32, 160, 160, "yolov8n@640 P2");
                yield return new AddCase(16L << 20, "16M");
                yield return new SiluCase(16L << 20, "16M");
                yield return new SoftmaxCrossEntropyCase(256, 1000);
                yield return new SgdCase(ResNet18Params, "resnet18");
                yield return new AdamWCase(ResNet18Params, "resnet18");
                yield return new NmsCase(10000, clustered: false);
                yield return new NmsCase(10000, clustered: true);
                yield return new AugmentCase(16, 640, "mosaic batch");
                break;
            default:
                throw new ArgumentException($"unknown benchmark size '{size}' (tiny, small or model)");
        }
    }
}
