using VisionCuda.Backends.Tests.Cases;
using VisionCuda.Backends.Tests.Harness;

namespace VisionCuda.Backends.Tests.Rows;

/// <summary>A theory over the op table on one device; skipped as a whole, with the reason, where the device is missing.</summary>
/// (A property, not a constructor argument: SkippableTheory's discoverer reads its constructor arguments as exception types.)
public sealed class DeviceTheoryAttribute : SkippableTheoryAttribute
{
    private string _device = "";

    public string Device
    {
        get => _device;
        set
        {
            _device = value;
            if (DeviceRows.SkipReason(value) is { } r) Skip = r;
        }
    }
}

/// <summary>The op table's cases for one device (ilgpu:cpu: the tiny ones).</summary>
public static class RowData
{
    public static TheoryData<string> Cases(string device)
    {
        var d = new TheoryData<string>();
        foreach (var c in OpCases.All.Where(c => DeviceRows.Runs(device, c))) d.Add(c.Name);
        return d;
    }

    public static void Run(string device, string name)
    {
        var why = DeviceRows.Run(OpCases.Get(name), device);
        Skip.If(why is not null, why);
    }
}

// One class per device: each is its own xunit collection, so the rows run in parallel while each backend sees its
// cases one at a time (a backend is one ordered queue, and some cases flip CudaBackend.UseCublas).

/// <summary>The Cpu backend against the naive references of src/VisionCuda.Reference.</summary>
public sealed class CpuRow
{
    [DeviceTheory(Device = "cpu")]
    [MemberData(nameof(RowData.Cases), "cpu", MemberType = typeof(RowData))]
    public void MatchesReference(string name) => RowData.Run("cpu", name);
}

/// <summary>The Cuda backend on the host emulation of native/ (the real .cu kernels) against the Cpu backend.</summary>
public sealed class CudaEmuRow
{
    [DeviceTheory(Device = "cuda-emu")]
    [MemberData(nameof(RowData.Cases), "cuda-emu", MemberType = typeof(RowData))]
    public void MatchesCpu(string name) => RowData.Run("cuda-emu", name);
}

[Trait("Category", "Gpu")]
public sealed class CudaGpuRow
{
    [DeviceTheory(Device = "cuda:0")]
    [MemberData(nameof(RowData.Cases), "cuda:0", MemberType = typeof(RowData))]
    public void MatchesCpu(string name) => RowData.Run("cuda:0", name);
}

/// <summary>ILGPU's CPU accelerator: the tiny cases only (it is thousands of times slower than plain C#).</summary>
public sealed class IlgpuCpuRow
{
    [DeviceTheory(Device = "ilgpu:cpu")]
    [MemberData(nameof(RowData.Cases), "ilgpu:cpu", MemberType = typeof(RowData))]
    public void MatchesCpu(string name) => RowData.Run("ilgpu:cpu", name);
}

[Trait("Category", "Gpu")]
public sealed class IlgpuCudaRow
{
    [DeviceTheory(Device = "ilgpu:cuda:0")]
    [MemberData(nameof(RowData.Cases), "ilgpu:cuda:0", MemberType = typeof(RowData))]
    public void MatchesCpu(string name) => RowData.Run("ilgpu:cuda:0", name);
}

[Trait("Category", "Gpu")]
public sealed class IlgpuOpenCLRow
{
    [DeviceTheory(Device = "ilgpu:cl:0")]
    [MemberData(nameof(RowData.Cases), "ilgpu:cl:0", MemberType = typeof(RowData))]
    public void MatchesCpu(string name) => RowData.Run("ilgpu:cl:0", name);
}
