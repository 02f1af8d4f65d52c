using VisionCuda.Backends;
using VisionCuda.Random;

namespace VisionCuda.Cuda.Tests;

/// <summary>
/// Reductions must be bitwise repeatable (conventions.md, Determinism). The emulator runs threads in a different
/// order between barriers on each launch, so running the same op twice on cuda-emu and comparing bits checks that no
/// result depends on thread timing (no float atomics, fixed partitioning).
/// </summary>
[Collection(EmuCollection.Name)]
public class DeterminismTests
{
    private static float[] Data(long n, ulong seed)
    {
        var a = new float[n];
        Philox.FillUniform(a, Philox.Key(seed), 0, -1f, 1f);
        return a;
    }

    private static float[] Twice(Func<CudaBackend, Storage> op, out float[] second)
    {
        var b = TestBackends.Emulator;
        var s1 = op(b);
        var s2 = op(b);
        var r1 = new float[s1.Count];
        second = new float[s2.Count];
        b.Download<float>(s1, r1);
        b.Download<float>(s2, second);
        s1.Release();
        s2.Release();
        return r1;
    }

    private static Storage Up(CudaBackend b, float[] d)
    {
        var s = b.Allocate(d.Length);
        b.Upload<float>(d, s);
        return s;
    }

    [Fact]
    public void LongSumIsBitwiseRepeatable()
    {
        var x = Data(200_003, 1);
        var r1 = Twice(b =>
        {
            var xs = Up(b, x);
            var y = b.Allocate(1);
            b.Reduce(ReduceOp.Sum, xs, y, 1, x.Length, 1);
            xs.Release();
            return y;
        }, out var r2);
        Assert.Equal(BitConverter.SingleToInt32Bits(r1[0]), BitConverter.SingleToInt32Bits(r2[0]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ConvBackwardWeightAndBatchNormAreBitwiseRepeatable(bool cublas)
    {
        var g = new Conv2dGeometry(3, 4, 9, 10, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        var x = Data(g.InputCount, 2);
        var dy = Data(g.OutputCount, 3);
        var r1 = Twice(b =>
        {
            b.UseCublas = cublas;
            var xs = Up(b, x);
            var dys = Up(b, dy);
            var dw = b.Allocate(g.WeightCount + g.K + 4 * 4); // every element is written below
            var db = b.Allocate(g.K);
            b.Conv2dBackwardWeight(g, xs, dys, dw, db);
            b.CopyBlocks(db, 0, 0, dw, g.WeightCount, 0, 1, g.K, false);
            // batch-norm statistics and parameter gradients over the same data
            var ones = Up(b, [1f, 1f, 1f, 1f]);
            var zeros = Up(b, [0f, 0f, 0f, 0f]);
            var y = b.Allocate(g.InputCount);
            var mean = b.Allocate(4);
            var inv = b.Allocate(4);
            var rm = Up(b, [0f, 0f, 0f, 0f]);
            var rv = Up(b, [1f, 1f, 1f, 1f]);
            b.BatchNormTrain(xs, ones, zeros, y, mean, inv, rm, rv, 3, 4, 90, 0.1f, 1e-5f);
            var dx = b.Allocate(g.InputCount);
            var dg = b.Allocate(4);
            var dbt = b.Allocate(4);
            b.BatchNormBackward(xs, xs, ones, mean, inv, dx, dg, dbt, 3, 4, 90);
            long o = g.WeightCount + g.K;
            b.CopyBlocks(mean, 0, 0, dw, o, 0, 1, 4, false);
            b.CopyBlocks(inv, 0, 0, dw, o + 4, 0, 1, 4, false);
            b.CopyBlocks(dg, 0, 0, dw, o + 8, 0, 1, 4, false);
            b.CopyBlocks(dbt, 0, 0, dw, o + 12, 0, 1, 4, false);
            b.UseCublas = true;
            foreach (var s in new[] { xs, dys, db, ones, zeros, y, mean, inv, rm, rv, dx, dg, dbt }) s.Release();
            return dw;
        }, out var r2);
        Assert.Equal(r1.Select(BitConverter.SingleToInt32Bits), r2.Select(BitConverter.SingleToInt32Bits));
    }
}
