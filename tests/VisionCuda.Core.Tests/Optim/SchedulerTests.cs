using VisionCuda.Optim;

namespace VisionCuda.Core.Tests.Optim;

public class SchedulerTests
{
    private static Sgd OneGroup(double lr, out Tensor p)
    {
        p = Tensor.Zeros(new[] { 2 });
        return new Sgd(new[] { p }, lr, momentum: 0.9);
    }

    [Fact]
    public void LrLambdasMatchFormulas()
    {
        var lin = LrLambdas.Linear(10, 0.01);
        var cos = LrLambdas.Cosine(10, 0.01);
        Assert.Equal(1.0, lin(0), 12);
        Assert.Equal(0.01, lin(10), 12);
        Assert.Equal(1.0 - 0.5 * 0.99, lin(5), 12);
        Assert.Equal(1.0, cos(0), 12);
        Assert.Equal(0.01, cos(10), 12);
        Assert.Equal(0.505, cos(5), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => LrLambdas.Cosine(0, 0.01));
    }

    [Fact]
    public void StepLRDecaysEveryStepSizeEpochs()
    {
        using var opt = OneGroup(0.1, out var p);
        var s = new StepLR(opt, stepSize: 3, gamma: 0.5);
        var lrs = new List<double>();
        for (int e = 0; e < 7; e++)
        {
            lrs.Add(opt.ParamGroups[0].Lr);
            s.Step();
        }
        Assert.Equal(new[] { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025 }, lrs.Select(v => Math.Round(v, 12)));
        p.Dispose();
    }

    [Fact]
    public void ReduceLROnPlateauFollowsPyTorch()
    {
        // mode max, patience 2: reduce after 3 epochs without a relative improvement of 1e-4.
        using var opt = OneGroup(1.0, out var p);
        var s = new ReduceLROnPlateau(opt, PlateauMode.Max, factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2);
        double[] metrics = { 0.5, 0.6, 0.6, 0.60001, 0.59, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7 };
        var lrs = metrics.Select(m =>
        {
            s.Step(m);
            return opt.ParamGroups[0].Lr;
        }).ToArray();
        // 0.6 best at epoch 1; epochs 2,3 (0.60001 is within threshold),4 are bad -> reduce at index 4; cooldown 1.
        // 0.7 new best at 5; bad 6,7,8 -> reduce at 8 (0.25); cooldown at 9; bad 10,11,12 -> 0.125 floored to 0.2 at 12.
        Assert.Equal(new[] { 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2 }, lrs);
        p.Dispose();
    }

    [Fact]
    public void PlateauMinModeAndNaN()
    {
        using var opt = OneGroup(1.0, out var p);
        var s = new ReduceLROnPlateau(opt, PlateauMode.Min, factor: 0.1, patience: 0);
        Assert.False(s.Step(1.0));
        Assert.True(s.Step(double.NaN));
        Assert.Equal(0.1, opt.ParamGroups[0].Lr, 12);
        p.Dispose();
    }

    [Theory]
    [InlineData(64, 16, 4)]
    [InlineData(64, 24, 3)]
    [InlineData(64, 128, 1)]
    [InlineData(64, 64, 1)]
    [InlineData(10, 4, 2)] // Python round(2.5) = 2 (half to even)
    public void AccumulationStepsAsUltralytics(int nbs, int batch, int expected)
        => Assert.Equal(expected, Accumulation.Steps(nbs, batch));

    [Fact]
    public void WeightDecayScaledToNominalBatch()
    {
        Assert.Equal(5e-4 * 24 * 3 / 64, Accumulation.ScaledWeightDecay(5e-4, 24, 3, 64), 15);
    }

    [Fact]
    public void WarmupOffKeepsEpochLr()
    {
        using var opt = OneGroup(0.01, out var p);
        var s = new WarmupSchedule(opt, LrLambdas.Linear(10, 0.1), batchesPerEpoch: 5, warmupEpochs: 0);
        Assert.Equal(-1, s.WarmupIterations);
        s.BeginEpoch(0);
        s.BeginIteration(0);
        Assert.Equal(0.01, opt.ParamGroups[0].Lr, 12);
        Assert.Equal(0.9, opt.ParamGroups[0].Momentum, 12);
        p.Dispose();
    }
}
