using VisionCuda.Backends;

namespace VisionCuda.Core.Tests.CpuOps;

public class CopyOpsTests
{
    [Fact]
    public void Fill_writes_every_element_float_and_int()
    {
        var f = H.Empty(100_003);
        H.Cpu.Fill(f, 2.5f);
        Assert.All(H.Down(f, 100_003), v => Assert.Equal(2.5f, v));
        var i = H.Empty(77, DType.Int32);
        H.Cpu.Fill(i, 7f);
        Assert.All(H.DownInt(i, 77), v => Assert.Equal(7, v));
    }

    [Theory]
    [InlineData(5, 13, false)]
    [InlineData(3, 70_001, true)]
    [InlineData(1, 9, true)]
    public void CopyBlocks_matches_loop(int rows, int cols, bool accumulate)
    {
        int srcStride = cols + 3, dstStride = cols + 5;
        var src = H.Rand(rows * srcStride + 4, 1);
        var dst = H.Rand(rows * dstStride + 7, 2);
        var expected = (float[])dst.Clone();
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
        {
            ref float d = ref expected[6 + r * dstStride + c];
            float v = src[2 + r * srcStride + c];
            d = accumulate ? d + v : v;
        }
        var s = H.Up(src);
        var d2 = H.Up(dst);
        H.Cpu.CopyBlocks(s, 2, srcStride, d2, 6, dstStride, rows, cols, accumulate);
        Assert.Equal(expected, H.Down(d2, dst.Length));
    }

    [Theory]
    [InlineData(new[] { 3, 5, 7 }, new[] { 2, 0, 1 })]
    [InlineData(new[] { 2, 3, 5, 7 }, new[] { 0, 2, 3, 1 })]   // NCHW -> NHWC
    [InlineData(new[] { 2, 37, 5, 9 }, new[] { 0, 3, 1, 2 })]
    [InlineData(new[] { 2, 1, 3, 4, 5 }, new[] { 4, 1, 0, 3, 2 })]
    [InlineData(new[] { 2, 3, 1, 4, 5, 3 }, new[] { 5, 4, 3, 2, 1, 0 })]
    [InlineData(new[] { 4, 6 }, new[] { 0, 1 })]
    [InlineData(new[] { 33, 70 }, new[] { 1, 0 })]
    public void Permute_matches_index_loop(int[] shape, int[] perm)
    {
        int n = (int)Shapes.Numel(shape);
        var x = H.Rand(n, 3);
        var outShape = perm.Select(p => shape[p]).ToArray();
        var inStr = Shapes.ContiguousStrides(shape);
        var expected = new float[n];
        var idx = new int[shape.Length];
        for (int o = 0; o < n; o++)
        {
            int rem = o;
            for (int d = outShape.Length - 1; d >= 0; d--) { idx[d] = rem % outShape[d]; rem /= outShape[d]; }
            long src = 0;
            for (int d = 0; d < outShape.Length; d++) src += idx[d] * inStr[perm[d]];
            expected[o] = x[src];
        }
        var y = H.Empty(n);
        H.Cpu.Permute(H.Up(x), shape, perm, y);
        Assert.Equal(expected, H.Down(y, n));
    }

    [Fact]
    public void Axpy_in_place_matches_loop()
    {
        int n = 40_013;
        var a = H.Rand(n, 4);
        var b = H.Rand(n, 5);
        var sa = H.Up(a);
        H.Cpu.Axpy(sa, H.Up(b), sa, n, -0.75f);
        H.Close(a.Select((v, i) => (double)v + -0.75 * b[i]).ToArray(), H.Down(sa, n), H.ElemRel, H.ElemAbs);
        var y = H.Empty(n);
        H.Cpu.Axpy(H.Up(a), H.Up(b), y, n, 1f);
        Assert.Equal(a.Select((v, i) => v + b[i]).ToArray(), H.Down(y, n));
    }
}
