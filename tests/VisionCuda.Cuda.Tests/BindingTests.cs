using VisionCuda.Backends;

namespace VisionCuda.Cuda.Tests;

/// <summary>The binding itself on cuda-emu: device registration, errors that name the kernel, allocator reuse, argument checks.</summary>
[Collection(EmuCollection.Name)]
public class BindingTests
{
    [Fact]
    public void CudaEmuIsRegisteredAsADevice()
    {
        CudaDevices.EnsureRegistered();
        Assert.Contains("cuda-emu", Devices.Available());
        var b = Devices.Get("cuda-emu");
        Assert.Equal("cuda-emu", b.Name);
        Assert.IsType<CudaBackend>(b);
    }

    [Fact]
    public void AllKernelsLoad() => TestBackends.Emulator.LoadAllKernels();

    [Fact]
    public void LaunchErrorNamesKernelAndConfiguration()
    {
        var b = TestBackends.Emulator;
        using var y = new Holder(b.Allocate(16));
        // 2048 threads per block is over every device's limit (1024): the launch must fail, naming the kernel.
        var e = Assert.Throws<CudaException>(() =>
        {
            b.Launch(K.vc_fill_f32, 1, 1, 1, 2048, 0, CudaBackend.P(y.S), 16L, 1f);
            b.Synchronize();
        });
        Assert.Contains("vc_fill_f32", e.Message);
        Assert.Contains("block (2048,1,1)", e.Message);
        Assert.False(string.IsNullOrEmpty(e.ErrorName));
        b.Synchronize(); // the backend stays usable
    }

    [Fact]
    public void ArgumentKindsAreCheckedAgainstTheTable()
    {
        var b = TestBackends.Emulator;
        using var y = new Holder(b.Allocate(16));
        var e = Assert.Throws<InvalidOperationException>(() => b.Launch(K.vc_fill_f32, 1, 1, 1, 256, 0, CudaBackend.P(y.S), 16, 1f));
        Assert.Contains("vc_fill_f32", e.Message);
    }

    [Fact]
    public void AllocatorReusesFreedBlocks()
    {
        var b = TestBackends.Emulator;
        var s1 = b.Allocate(12345);
        s1.Release();
        long before = b.Allocator.FreshAllocations;
        for (int i = 0; i < 10; i++) b.Allocate(12340 + i).Release();
        Assert.Equal(before, b.Allocator.FreshAllocations);
    }

    [Theory]
    [InlineData(1, 512)]
    [InlineData(513, 1024)]
    [InlineData(1 << 20, 1 << 20)]
    [InlineData((1 << 20) + 1, (1 << 20) + (1 << 17))]
    public void BucketsRoundUp(long bytes, long bucket) => Assert.Equal(bucket, CudaAllocator.Bucket(bytes));

    [Fact]
    public void UploadDownloadRoundTripsLargerThanTheStagingChunk()
    {
        var b = TestBackends.Emulator;
        var data = new float[(9 << 20) / 4 + 7];
        for (int i = 0; i < data.Length; i++) data[i] = i * 0.5f;
        using var s = new Holder(b.Allocate(data.Length));
        b.Upload<float>(data, s.S);
        var back = new float[data.Length];
        b.Download<float>(s.S, back);
        Assert.Equal(data, back);
    }

    private sealed class Holder(Storage s) : IDisposable
    {
        public Storage S { get; } = s;

        public void Dispose() => S.Release();
    }
}

[Trait("Category", "Gpu")]
public class GpuBindingTests
{
    [GpuFact]
    public void OpensAndRunsAKernel()
    {
        var b = TestBackends.Gpu0;
        b.LoadAllKernels();
        var s = b.Allocate(1000);
        b.Fill(s, 3f);
        var a = new float[1000];
        b.Download<float>(s, a);
        s.Release();
        Assert.All(a, v => Assert.Equal(3f, v));
    }
}
