using VisionCuda.Backends;

namespace VisionCuda.Cuda.Tests;

/// <summary>What cuda-emu reports: it runs on the host but takes the device paths a GPU takes (batch augmentation).</summary>
public class CapabilitiesTests
{
    [Fact]
    public void Emulator_runs_on_the_host_and_augments_on_the_device()
    {
        var caps = TestBackends.Emulator.Capabilities;
        Assert.True(caps.RunsOnHost);
        Assert.True(caps.DeviceAugment);
        Assert.False(caps.HostMemory);
        Assert.False(caps.InterpreterSpeed);
        Assert.Null(caps.GpuModel);
        Assert.Same(TestBackends.Emulator, ((IBackend)TestBackends.Emulator).Detection());
    }
}
