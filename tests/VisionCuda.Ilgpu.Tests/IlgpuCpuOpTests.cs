namespace VisionCuda.Ilgpu.Tests;

/// <summary>The whole op suite on ILGPU's CPU accelerator (runs everywhere, CI included).</summary>
public sealed class IlgpuCpuOpTests : OpSuite
{
    public IlgpuCpuOpTests() : base("ilgpu:cpu")
    {
    }
}

/// <summary>The whole op suite on ILGPU's CUDA accelerator; skipped, with a message, where there is no NVIDIA GPU.</summary>
[Trait("Category", "Gpu")]
public sealed class IlgpuCudaOpTests : OpSuite
{
    public IlgpuCudaOpTests() : base("ilgpu:cuda:0")
    {
    }
}

/// <summary>The whole op suite on the first OpenCL device ILGPU accepts; skipped where there is none.</summary>
[Trait("Category", "Gpu")]
public sealed class IlgpuOpenCLOpTests : OpSuite
{
    public IlgpuOpenCLOpTests() : base("ilgpu:cl:0")
    {
    }
}
