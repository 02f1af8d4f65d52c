using BenchmarkDotNet.Attributes;
using VisionCuda.Reference;
using NmsOps = VisionCuda.Training.Detect.Nms.Nms;

namespace VisionCuda.Benchmarks;

/// <summary>
/// NMS on the 10,000-box benchmark set (ReferenceNms.BenchmarkSet = tools/goldens/detect_eval/benchset.py, IoU 0.5,
/// 6,117 kept): the fast Cpu Nms.Run (one thread) and, as a baseline, the naive O(n^2) oracle.
/// torchvision's CPU nms on the same boxes: /usr/bin/python3 tools/goldens/detect_eval/bench_nms.py
/// (torch.set_num_threads(2)). Both keep the indices in nms_bench_kept.json (a test checks it).
/// Run: dotnet run -c Release --project benchmarks/VisionCuda.Benchmarks -- --filter '*Nms*' [--job short]
/// </summary>
[MemoryDiagnoser]
public class NmsBenchmarks
{
    private float[] _boxes = null!, _scores = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_boxes, _scores) = ReferenceNms.BenchmarkSet(10000);
        int fast = NmsOps.Run(_boxes, _scores, 0.5).Length;
        int reference = ReferenceNms.Nms(_boxes, _scores, 0.5).Length;
        if (fast != reference) throw new InvalidOperationException($"fast NMS keeps {fast}, reference {reference}");
    }

    [Benchmark(Baseline = true)]
    public int FastNms10k() => NmsOps.Run(_boxes, _scores, 0.5f).Length;

    [Benchmark]
    public int ReferenceNms10k() => ReferenceNms.Nms(_boxes, _scores, 0.5).Length;
}
