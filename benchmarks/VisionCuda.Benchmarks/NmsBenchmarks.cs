using BenchmarkDotNet.Attributes;
using VisionCuda.Reference;
using NmsOps = VisionCuda.Training.Detect.Nms.Nms;

namespace VisionCuda.Benchmarks;

/// <summary>
/// NMS on the 10,000-box benchmark sets (ReferenceNms.BenchmarkSet = tools/goldens/detect_eval/benchset.py):
/// random boxes at IoU 0.5 (6,117 kept) and clustered boxes at IoU 0.7 (926 kept), with the fast Cpu Nms.Run
/// (one thread) and, as a baseline, the naive O(n^2) oracle on the random set.
/// torchvision's CPU nms on the same boxes: /usr/bin/python3 tools/goldens/detect_eval/bench_nms.py
/// (torch.set_num_threads(2)). Both keep the indices in nms_bench_kept.json (a test checks it).
/// The backend op alone (IDetectionOps.NmsRanked: the Cuda bitmask kernels on cuda:0 when a GPU is present) is
/// NmsKernelBenchmarks (Kernels/KernelBenchmarks.cs), also `visioncuda bench --ops nms --size model --device cuda:0`
/// and the GpuRunner's quickbench.
/// Run: dotnet run -c Release --project benchmarks/VisionCuda.Benchmarks -- --filter '*Nms*' [--job short]
/// </summary>
[MemoryDiagnoser]
public class NmsBenchmarks
{
    private float[] _boxes = null!, _scores = null!, _cBoxes = null!, _cScores = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_boxes, _scores) = ReferenceNms.BenchmarkSet(10000);
        // check before timing: the fast path keeps exactly the oracle's indices
        int[] fast = NmsOps.Run(_boxes, _scores, 0.5), reference = ReferenceNms.Nms(_boxes, _scores, 0.5);
        if (!fast.AsSpan().SequenceEqual(reference))
            throw new InvalidOperationException($"fast NMS keeps {fast.Length} boxes, the reference {reference.Length}, or in another order");
        (_cBoxes, _cScores) = ReferenceNms.BenchmarkSet(10000, 777, clustered: true);
    }

    [Benchmark]
    public int FastNms10kClustered() => NmsOps.Run(_cBoxes, _cScores, 0.7f).Length;

    [Benchmark(Baseline = true)]
    public int FastNms10k() => NmsOps.Run(_boxes, _scores, 0.5f).Length;

    [Benchmark]
    public int ReferenceNms10k() => ReferenceNms.Nms(_boxes, _scores, 0.5).Length;
}
