using VisionCuda.Cuda.Tests.OpSuite;

namespace VisionCuda.Cuda.Tests;

/// <summary>Every op through the Cuda backend on cuda-emu (the real .cu kernels run by the host emulator) vs the Cpu backend.</summary>
[Collection(EmuCollection.Name)]
public class EmuOpTests
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in OpCases.All) d.Add(c.Name);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesCpu(string name) => OpCases.Run(OpCases.Get(name), TestBackends.Emulator, TestBackends.Cpu);
}

/// <summary>The same suite on the first real GPU; skipped with a message where there is none.</summary>
[Trait("Category", "Gpu")]
public class GpuOpTests
{
    [GpuTheory]
    [MemberData(nameof(EmuOpTests.Cases), MemberType = typeof(EmuOpTests))]
    public void MatchesCpu(string name) => OpCases.Run(OpCases.Get(name), TestBackends.Gpu0, TestBackends.Cpu);
}
