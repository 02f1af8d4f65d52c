using VisionCuda.Backends;
using VisionCuda.Reference;

namespace VisionCuda.Core.Tests.CpuOps;

public class PoolUpsampleTests
{
    // N, C, H, W, k, s, p, ceil, countIncludePad
    public static TheoryData<int, int, int, int, int, int, int, bool, bool> PoolCases => new()
    {
        { 2, 3, 9, 11, 3, 2, 1, false, true },
        { 1, 2, 9, 11, 3, 2, 1, true, true },
        { 1, 2, 9, 11, 3, 2, 1, true, false },
        { 2, 2, 7, 7, 2, 2, 0, true, true },    // ceil: last window hangs over the edge
        { 1, 3, 13, 10, 5, 1, 2, false, true },  // SPPF-like
        { 1, 3, 13, 10, 5, 1, 2, false, false },
        { 1, 1, 6, 5, 4, 3, 2, true, true },
        { 1, 1, 6, 5, 4, 3, 2, true, false },
        { 3, 1, 1, 1, 1, 1, 0, false, true },
    };

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void Pooling_matches_reference(int n, int c, int h, int w, int k, int s, int p, bool ceil, bool cip)
    {
        var g = new Pool2dGeometry(n, c, h, w, k, k, s, s, p, p, ceil, cip);
        g.Validate();
        int planes = n * c, oh = g.OutH, ow = g.OutW;
        Assert.Equal(ReferencePool.OutSize(h, k, s, p, ceil), oh);
        Assert.Equal(ReferencePool.OutSize(w, k, s, p, ceil), ow);
        var x = H.Rand(planes * h * w, 50);
        x[0] = x[1]; // a tie
        var dy = H.Rand(planes * oh * ow, 51);
        var sx = H.Up(x);

        var (refY, refIdx) = ReferencePool.MaxPool2d(x, planes, h, w, k, k, s, s, p, p, ceil);
        var y = H.Empty(planes * oh * ow);
        var idx = H.Empty(planes * oh * ow, DType.Int32);
        H.Cpu.MaxPool2dForward(g, sx, y, idx);
        Assert.Equal(refY, H.Down(y, refY.Length));
        Assert.Equal(refIdx, H.DownInt(idx, refIdx.Length));
        var dx = H.Empty(planes * h * w);
        H.Cpu.MaxPool2dBackward(g, H.Up(dy), idx, dx);
        H.Close(ReferencePool.MaxPool2dBackward(dy, refIdx, planes, h, w, oh, ow), H.Down(dx, x.Length), H.RedRel, H.RedAbs, "maxpool backward");

        var refA = ReferencePool.AvgPool2d(x, planes, h, w, k, k, s, s, p, p, ceil, cip);
        H.Cpu.AvgPool2dForward(g, sx, y);
        H.Close(refA, H.Down(y, refA.Length), H.RedRel, H.RedAbs, "avgpool");
        H.Cpu.AvgPool2dBackward(g, H.Up(dy), dx);
        H.Close(ReferencePool.AvgPool2dBackward(dy, planes, h, w, k, k, s, s, p, p, ceil, cip), H.Down(dx, x.Length),
            H.RedRel, H.RedAbs, "avgpool backward");
    }

    /// <summary>
    /// Max pooling (computed separably: row maxima, then column maxima) on inputs made of ties, NaNs and -inf, where the
    /// first-maximum / last-NaN rule decides every index: values and indices must equal the row-major reference scan.
    /// </summary>
    [Theory]
    [InlineData(13, 10, 5, 1, 2, false)]   // SPPF
    [InlineData(9, 11, 3, 2, 1, true)]
    [InlineData(7, 8, 2, 2, 0, false)]
    public void Maxpool_ties_nans_and_minus_infinity_match_the_reference_scan(int h, int w, int k, int s, int p, bool ceil)
    {
        var g = new Pool2dGeometry(2, 3, h, w, k, k, s, s, p, p, ceil);
        g.Validate();
        int planes = 6, n = planes * h * w;
        float[] pick = [float.NegativeInfinity, -1f, 0f, 1f, 1f, float.NaN];
        var rng = new System.Random(5);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = pick[rng.Next(i < n / 2 ? pick.Length - 1 : pick.Length)];   // NaN only in the second half
        var (refY, refIdx) = ReferencePool.MaxPool2d(x, planes, h, w, k, k, s, s, p, p, ceil);
        var y = H.Empty(refY.Length);
        var idx = H.Empty(refY.Length, DType.Int32);
        H.Cpu.MaxPool2dForward(g, H.Up(x), y, idx);
        Assert.Equal(refIdx, H.DownInt(idx, refIdx.Length));
        var got = H.Down(y, refY.Length);
        for (int i = 0; i < refY.Length; i++)
            Assert.True(refY[i].Equals(got[i]), $"output {i}: {got[i]} vs reference {refY[i]}");
    }

    [Fact]
    public void Maxpool_nan_wins_and_padding_is_minus_infinity()
    {
        var g = new Pool2dGeometry(1, 1, 2, 2, 3, 3, 1, 1, 1, 1);
        float[] x = [-5f, -7f, -6f, float.NaN];
        var y = H.Empty(4);
        var idx = H.Empty(4, DType.Int32);
        H.Cpu.MaxPool2dForward(g, H.Up(x), y, idx);
        Assert.All(H.Down(y, 4), v => Assert.True(float.IsNaN(v)));
        Assert.All(H.DownInt(idx, 4), v => Assert.Equal(3, v));
        x = [-5f, -7f, -6f, -8f];
        H.Cpu.MaxPool2dForward(g, H.Up(x), y, idx);
        Assert.Equal(new[] { -5f, -5f, -5f, -5f }, H.Down(y, 4));
    }

    [Fact]
    public void Avgpool_ceil_mode_divisor_matches_pytorch_values()
    {
        // torch.nn.functional.avg_pool2d(torch.arange(1., 10.).view(1,1,3,3), 2, 2, 0, ceil_mode=True)
        // = [[3, 4.5], [7.5, 9]] in both count_include_pad modes (windows clipped to the padded input, pad 0).
        var g = new Pool2dGeometry(1, 1, 3, 3, 2, 2, 2, 2, 0, 0, CeilMode: true);
        var y = H.Empty(4);
        H.Cpu.AvgPool2dForward(g, H.Up([1f, 2, 3, 4, 5, 6, 7, 8, 9]), y);
        Assert.Equal(new[] { 3f, 4.5f, 7.5f, 9f }, H.Down(y, 4));
        // Padding 1, kernel 3, stride 2, ceil on arange(1,17).view(4,4): count_include_pad divides by the window
        // clipped to the padded input (values printed by torch 1.13).
        var x = Enumerable.Range(1, 16).Select(v => (float)v).ToArray();
        foreach (bool cip in new[] { true, false })
        {
            var g2 = new Pool2dGeometry(1, 1, 4, 4, 3, 3, 2, 2, 1, 1, CeilMode: true, CountIncludePad: cip);
            var y2 = H.Empty(g2.OutputCount);
            H.Cpu.AvgPool2dForward(g2, H.Up(x), y2);
            double[] torch = cip
                ? [1.5555555820465088, 3.3333332538604736, 2.0, 6.333333492279053, 11.0, 6.0, 4.5, 7.5, 4.0]
                : [3.5, 5.0, 6.0, 9.5, 11.0, 12.0, 13.5, 15.0, 16.0];
            H.Close(torch, H.Down(y2, g2.OutputCount), 1e-6);
            H.Close(ReferencePool.AvgPool2d(x, 1, 4, 4, 3, 3, 2, 2, 1, 1, true, cip), H.Down(y2, g2.OutputCount), 1e-6);
        }
    }

    public static TheoryData<int, int, int, int> Sizes => new()
    {
        { 5, 7, 10, 14 }, { 5, 7, 13, 9 }, { 8, 8, 3, 5 }, { 1, 1, 4, 3 }, { 6, 9, 6, 9 }, { 3, 4, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Upsample_matches_reference(int h, int w, int oh, int ow)
    {
        int planes = 6;
        var x = H.Rand(planes * h * w, 60);
        var dy = H.Rand(planes * oh * ow, 61);
        var sx = H.Up(x);
        var sdy = H.Up(dy);
        var y = H.Empty(planes * oh * ow);
        var dx = H.Empty(planes * h * w);

        H.Cpu.Upsample(InterpolationMode.Nearest, false, sx, y, planes, h, w, oh, ow);
        Assert.Equal(ReferencePool.UpsampleNearest(x, planes, h, w, oh, ow), H.Down(y, planes * oh * ow));
        H.Cpu.UpsampleBackward(InterpolationMode.Nearest, false, sdy, dx, planes, h, w, oh, ow);
        H.Close(ReferencePool.UpsampleNearestBackward(dy, planes, h, w, oh, ow), H.Down(dx, x.Length), H.RedRel, H.RedAbs, "nearest backward");

        foreach (bool align in new[] { false, true })
        {
            H.Cpu.Upsample(InterpolationMode.Bilinear, align, sx, y, planes, h, w, oh, ow);
            H.Close(ReferencePool.UpsampleBilinear(x, planes, h, w, oh, ow, align), H.Down(y, planes * oh * ow), H.ElemRel, H.ElemAbs, $"bilinear {align}");
            H.Cpu.UpsampleBackward(InterpolationMode.Bilinear, align, sdy, dx, planes, h, w, oh, ow);
            H.Close(ReferencePool.UpsampleBilinearBackward(dy, planes, h, w, oh, ow, align), H.Down(dx, x.Length), H.RedRel, H.RedAbs, $"bilinear backward {align}");
        }
    }

    [Fact]
    public void Nearest_2x_and_bilinear_values_match_pytorch()
    {
        // F.interpolate(torch.tensor([[[[1.,2.],[3.,4.]]]]), size=(4,4), mode='bilinear', align_corners=False)[0,0,0]
        // = [1.0, 1.25, 1.75, 2.0]; align_corners=True: [1.0, 1.3333, 1.6667, 2.0].
        float[] x = [1f, 2f, 3f, 4f];
        var y = H.Empty(16);
        H.Cpu.Upsample(InterpolationMode.Bilinear, false, H.Up(x), y, 1, 2, 2, 4, 4);
        H.Close(new double[] { 1, 1.25, 1.75, 2 }, H.Down(y, 16).Take(4).ToArray(), 1e-6);
        H.Cpu.Upsample(InterpolationMode.Bilinear, true, H.Up(x), y, 1, 2, 2, 4, 4);
        H.Close(new double[] { 1, 4 / 3.0, 5 / 3.0, 2 }, H.Down(y, 16).Take(4).ToArray(), 1e-6);
        H.Cpu.Upsample(InterpolationMode.Nearest, false, H.Up(x), y, 1, 2, 2, 4, 4);
        Assert.Equal(new[] { 1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, H.Down(y, 16));
        // F.interpolate(..., size=(3,5), mode='nearest')[0,0] (torch 1.13).
        var y35 = H.Empty(15);
        H.Cpu.Upsample(InterpolationMode.Nearest, false, H.Up(x), y35, 1, 2, 2, 3, 5);
        Assert.Equal(new[] { 1f, 1, 1, 2, 2, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4 }, H.Down(y35, 15));
    }
}
