using System.Text.Json;
using VisionCuda.Backends;
using VisionCuda.Reference;
using NmsOps = VisionCuda.Training.Detect.Nms.Nms;

namespace VisionCuda.Training.Tests.Detect.Nms;

/// <summary>
/// Every torchvision golden (nms and batched_nms: ties, zero-area and identical boxes, thresholds hit exactly,
/// both batched paths) through every backend's <see cref="IDetectionOps.NmsRanked"/>: the Cpu core, the Cuda bitmask
/// kernels on cuda-emu and the ILGPU kernels on ilgpu:cpu must keep exactly torchvision's indices.
/// </summary>
public class NmsBackendGoldenTests
{
    internal static readonly string[] BackendNames = { "cpu", "cuda-emu", "ilgpu:cpu" };

    internal static IBackend Backend(string name)
    {
        VisionCuda.Cuda.CudaDevices.EnsureRegistered();
        VisionCuda.Ilgpu.IlgpuDevices.EnsureRegistered();
        return Devices.Get(name);
    }

    public static IEnumerable<object[]> BackendCases() =>
        from b in BackendNames from c in NmsGoldenTests.Cases.Value.Keys select new object[] { b, c };

    [Theory]
    [MemberData(nameof(BackendCases))]
    public void BackendKeepsExactlyTorchvisionIndices(string backend, string name)
    {
        var c = NmsGoldenTests.Cases.Value[name];
        var b = Backend(backend);
        int[] kept = c.Op == "nms"
            ? NmsOps.Run(b, c.Boxes, c.Scores, c.Iou)
            : NmsOps.Batched(b, c.Boxes, c.Scores, c.Idxs!, c.Iou);
        Assert.Equal(c.Kept, kept);
        NmsGoldenTests.AssertSameAsTorchvisionUpToTieOrder(c, kept);
    }

    // Per-class suppression through the op's classes on every backend (the batched goldens with n*4 <= 4000 take
    // the offset path instead): equals the host's per-class NMS, itself checked against the naive oracle.
    [Theory]
    [InlineData("cpu")]
    [InlineData("cuda-emu")]
    [InlineData("ilgpu:cpu")]
    public void PerClassOnBackendEqualsHostPerClass(string backend)
    {
        var b = Backend(backend);
        foreach (var name in NmsGoldenTests.Cases.Value.Keys.Where(k => k.StartsWith("batched")))
        {
            var c = NmsGoldenTests.Cases.Value[name];
            var host = NmsOps.PerClass(c.Boxes, c.Scores, c.Idxs!, c.Iou);
            Assert.Equal(ReferenceNms.BatchedNms(c.Boxes, c.Scores, c.Idxs!, c.Iou).Order(), host.Order());
            Assert.Equal(host, NmsOps.PerClass(b, c.Boxes, c.Scores, c.Idxs!, c.Iou));
        }
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("cuda-emu")]
    public void BenchmarkSetsKeepTorchvisionIndices(string backend)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(NmsGoldenTests.EvalData("nms_bench_kept.json")));
        var root = doc.RootElement;
        var b = Backend(backend);
        var c = root.GetProperty("clustered");
        var (cb, cs) = ReferenceNms.BenchmarkSet(root.GetProperty("n").GetInt32(), c.GetProperty("seed").GetUInt32(), clustered: true);
        var ckept = c.GetProperty("kept").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(ckept, NmsOps.Run(b, cb, cs, c.GetProperty("iou").GetDouble()));
    }
}
