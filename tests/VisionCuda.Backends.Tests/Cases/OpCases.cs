using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Random;

namespace VisionCuda.Backends.Tests.Cases;

/// <summary>
/// The one table of op cases (DiffSharp's TestCombos: every op on every backend). Each family lives in its own
/// OpCases.*.cs: the Cuda suite's cases (shapes off the block and tile multiples) and the Ilgpu suite's tiny cases
/// (names start with "tiny", the ones ilgpu:cpu runs), merged so that nothing lost coverage. Every case names the
/// contract members it calls; Contract/CoverageTests fails when a member has none.
/// </summary>
public static partial class OpCases
{
    public static IReadOnlyList<OpCase> All { get; } = Build();

    public static OpCase Get(string name) => All.First(c => c.Name == name);

    private static List<OpCase> Build()
    {
        var list = new List<OpCase>();
        AddStorage(list);
        AddMemory(list);
        AddElementwise(list);
        AddReduce(list);
        AddGemm(list);
        AddConv(list);
        AddNorm(list);
        AddPool(list);
        AddUpsample(list);
        AddSoftmax(list);
        AddLoss(list);
        AddOptim(list);
        AddBox(list);
        AddNms(list);
        AddAugment(list);
        AddTinyElementwise(list);
        AddTinyDense(list);
        AddTinyLoss(list);
        AddTinyDetection(list);
        AddTinyFunctional(list);
        var dup = list.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InvalidOperationException($"two op cases are named {dup.Key}");
        return list;
    }

    /// <summary>
    /// Every call of a detection-family member (Ciou*, BoxIou*, Dfl*, Assigner*, Nms*, AugmentBatch*) goes through
    /// here, the one accessor of the detection family (IDetectionOps).
    /// </summary>
    private static IDetectionOps Det(IBackend b) => b.Detection();

    private static void SetCublas(OpContext t, bool on)
    {
        if (t.Device is CudaBackend cb) cb.UseCublas = on;
    }

    /// <summary>The Ilgpu suite's seeded inputs (kept, so its tiny cases see the data they were written for).</summary>
    private static float[] Rand(int n, ulong seed, float lo = -1f, float hi = 1f)
    {
        var d = new float[n];
        Philox.FillUniform(d, Philox.Key(seed), 0, lo, hi);
        return d;
    }

    private static float[] AsFloats(int[] a) => a.Select(v => (float)v).ToArray();
}
