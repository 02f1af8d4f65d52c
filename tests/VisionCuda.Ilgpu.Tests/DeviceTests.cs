using VisionCuda.Backends;

namespace VisionCuda.Ilgpu.Tests;

public sealed class DeviceTests
{
    public DeviceTests() => IlgpuDevices.EnsureRegistered();

    [Fact]
    public void IlgpuCpuIsListedAndOpens()
    {
        Assert.Contains("ilgpu:cpu", Devices.Available());
        var be = Devices.Get("ilgpu:cpu");
        Assert.Equal("ilgpu:cpu", be.Name);
        Assert.Same(be, Devices.Get("ILGPU:CPU"));
    }

    [Fact]
    public void MissingDeviceListsTheAvailableOnes()
    {
        // Pick an OpenCL index that cannot exist, so the test holds on machines with OpenCL too.
        var ex = Assert.Throws<DeviceNotFoundException>(() => Devices.Get("ilgpu:cl:99"));
        Assert.Contains("ilgpu:cpu", ex.Message);
        Assert.Contains("cpu", ex.AvailableDevices);
        if (!Devices.Available().Any(d => d.StartsWith("ilgpu:cl:", StringComparison.Ordinal)))
        {
            var ex0 = Assert.Throws<DeviceNotFoundException>(() => Devices.Get("ilgpu:cl:0"));
            Assert.Contains("ilgpu:cl:0", ex0.Message);
            Assert.Contains("ilgpu:cpu", ex0.Message);
        }
    }

    [Fact]
    public void KernelsCompileOnceAndStoragesAreReused()
    {
        // A private backend: the shared one is used by tests running in parallel, which compile and allocate too.
        using var be = new IlgpuBackend(IlgpuDeviceKind.Cpu);
        Assert.True(be.GemmTile * be.GemmTile <= be.Accelerator.MaxNumThreadsPerGroup);
        var a = be.Allocate(10);
        be.Fill(a, 1f);
        int compiled = be.CompiledKernels;
        a.Release();
        long fresh = be.Pool.FreshAllocations;
        for (int i = 0; i < 3; i++)
        {
            var s = be.Allocate(10);
            be.Fill(s, i);
            s.Release();
        }
        Assert.Equal(compiled, be.CompiledKernels);
        Assert.Equal(fresh, be.Pool.FreshAllocations);
    }

    [Fact]
    public void UpsampleTapRangesCoverEveryContribution()
    {
        foreach (var (i, o, align, bi) in new[] { (3, 7, false, true), (7, 3, true, true), (5, 5, false, false), (2, 9, true, true), (9, 2, false, false) })
        {
            var (ints, _) = IlgpuBackend.BuildTaps(i, o, align, bi);
            for (int d = 0; d < o; d++)
                foreach (int src in new[] { ints[d], ints[o + d] })
                    Assert.InRange(d, ints[2 * o + src], ints[2 * o + i + src] - 1);
        }
    }
}
