using VisionCuda.Autograd;
using VisionCuda.Cpu;
using VisionCuda.Memory;

namespace VisionCuda.Core.Tests.Autograd;

public class TapeTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsUntilZeroGrad()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f }, new[] { 3 }, requiresGrad: true);
        (x * x).Sum().Backward();
        Assert.Equal(new[] { 2f, 4f, 6f }, x.Grad!.ToArray());
        (x * 3f).Sum().Backward();
        Assert.Equal(new[] { 5f, 7f, 9f }, x.Grad!.ToArray());
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void ATensorUsedTwiceGetsBothContributions()
    {
        // y = x*x + x*2: dy/dx = 2x + 2, with x reaching the output through three edges.
        var x = Tensor.FromArray(new[] { 1.5f, -1f }, new[] { 2 }, requiresGrad: true);
        var y = (x * x + x * 2f).Sum();
        y.Backward();
        Assert.Equal(new[] { 5f, 0f }, x.Grad!.ToArray());
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var x = Tensor.FromArray(new[] { 1f }, new[] { 1 }, requiresGrad: true);
        using (GradMode.NoGrad())
        {
            var y = x * 2f;
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
        }
        Assert.True((x * 2f).RequiresGrad);
    }

    [Fact]
    public void BackwardOnANonScalarNeedsAGradient()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f }, new[] { 2 }, requiresGrad: true);
        Assert.Throws<InvalidOperationException>(() => (x * 2f).Backward());
    }

    [Fact]
    public void DisposeScopeReturnsTemporariesAndAStepReusesPooledBuffers()
    {
        var cpu = new CpuBackend(threads: 1);
        var w = Tensor.FromArray(new float[64], new[] { 8, 8 }, cpu, requiresGrad: true);
        var x = Tensor.Uniform(new[] { 4, 8 }, -1, 1, 3, cpu);
        void Step()
        {
            using var scope = DisposeScope.Enter();
            var loss = F.Matmul(x, w).Relu().Sum();
            loss.Backward();
        }
        Step();
        long afterFirst = cpu.Pool.FreshAllocations;
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(afterFirst, cpu.Pool.FreshAllocations);
        Assert.False(w.IsDisposed);
        Assert.NotNull(w.Grad);
    }

    [Fact]
    public void TensorsMovedOutOfAScopeSurviveIt()
    {
        Tensor kept;
        Tensor dropped;
        using (var scope = DisposeScope.Enter())
        {
            kept = Tensor.Ones(new[] { 2 });
            dropped = Tensor.Ones(new[] { 2 });
            kept.MoveToOuterScope();
        }
        Assert.False(kept.IsDisposed);
        Assert.True(dropped.IsDisposed);
    }

    [Fact]
    public void ReshapeSharesStorageAndSurvivesDisposalOfTheOriginal()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, new[] { 2, 2 });
        var v = x.Reshape(4);
        x.Dispose();
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, v.ToArray());
    }

    [Fact]
    public void UnknownDeviceListsTheAvailableOnes()
    {
        var ex = Assert.Throws<DeviceNotFoundException>(() => Devices.Get("ilgpu:cl:7"));
        Assert.Contains("cpu", ex.Message);
        Assert.Contains("ilgpu:cl:7", ex.Message);
    }
}
