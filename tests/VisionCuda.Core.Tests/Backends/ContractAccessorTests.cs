using System.Reflection;
using VisionCuda.Backends;
using VisionCuda.Cpu;

namespace VisionCuda.Core.Tests.Backends;

/// <summary>The task-ops accessor and the capabilities that replace type and name tests in callers.</summary>
public class ContractAccessorTests
{
    [Fact]
    public void Detection_returns_the_backend_itself_when_it_has_the_ops()
    {
        using var cpu = new CpuBackend(1);
        Assert.Same(cpu, cpu.Detection());
    }

    [Fact]
    public void Detection_names_a_backend_without_the_ops()
    {
        var tensorOnly = DispatchProxy.Create<IBackend, NamedOnlyBackend>();
        var e = Assert.Throws<NotSupportedException>(() => tensorOnly.Detection());
        Assert.Contains("'tensor-only'", e.Message);
        Assert.Contains(nameof(IDetectionOps), e.Message);
    }

    [Fact]
    public void Cpu_capabilities_say_host_memory_and_loader_side_augmentation()
    {
        using var cpu = new CpuBackend(1);
        var caps = cpu.Capabilities;
        Assert.True(caps.HostMemory);
        Assert.True(caps.RunsOnHost);
        Assert.False(caps.DeviceAugment);
        Assert.False(caps.InterpreterSpeed);
        Assert.Null(caps.GpuModel);
    }

    /// <summary>A backend that implements IBackend only and answers nothing but its name.</summary>
    public class NamedOnlyBackend : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "get_Name" ? "tensor-only" : throw new NotImplementedException(targetMethod?.Name);
    }
}
