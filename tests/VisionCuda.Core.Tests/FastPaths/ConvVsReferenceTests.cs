using VisionCuda.Backends;
using VisionCuda.Cpu;
using VisionCuda.Reference;

namespace VisionCuda.Core.Tests.FastPaths;

/// <summary>
/// The Cpu conv2d fast paths (im2col + blocked GEMM, pointwise GEMM, direct depthwise) against the plain-loop
/// oracle (VisionCuda.Reference.ReferenceConv). Tolerance (conventions.md, conv): |fast - ref| &lt;= 1e-5 + 1e-4*|ref|
/// elementwise. Inputs are uniform in [-1, 1]; the longest sums here (backward-weight, N*OH*OW up to ~300 terms)
/// stay within the absolute term, so no looser norm-based check is needed.
/// </summary>
[Collection(CpuKernelCollection.Name)]
public sealed class ConvVsReferenceTests
{
    public static TheoryData<string, int[]> Cases() => new()
    {
        // name, [N, C, H, W, K, R=S, stride, pad, dilation, groups, bias (0/1)]
        { "3x3 pad1", [2, 3, 7, 9, 5, 3, 1, 1, 1, 1, 1] },
        { "3x3 stride2 pad1", [2, 4, 7, 9, 6, 3, 2, 1, 1, 1, 1] },
        { "3x3 pad3 (pad > dilation*(R-1): backward-data via col2im)", [2, 3, 7, 9, 4, 3, 1, 3, 1, 1, 1] },
        { "3x3 dilation2 pad2", [2, 3, 9, 7, 4, 3, 1, 2, 2, 1, 0] },
        { "3x3 groups2", [2, 4, 7, 9, 6, 3, 1, 1, 1, 2, 1] },
        { "depthwise 3x3", [2, 5, 7, 9, 5, 3, 1, 1, 1, 5, 1] },
        { "depthwise 3x3 stride2", [2, 6, 9, 7, 6, 3, 2, 1, 1, 6, 0] },
        { "depthwise 5x5 dilation2", [2, 3, 11, 9, 3, 5, 1, 4, 2, 3, 1] },
        { "1x1", [2, 7, 7, 9, 5, 1, 1, 0, 1, 1, 1] },
        { "1x1 groups2", [2, 6, 5, 7, 4, 1, 1, 0, 1, 2, 0] },
        { "1x1 stride2", [2, 4, 7, 9, 3, 1, 2, 0, 1, 1, 1] },
        { "5x5 pad2", [2, 3, 7, 9, 4, 5, 1, 2, 1, 1, 1] },
        { "5x5 stride2 no pad", [2, 2, 11, 13, 3, 5, 2, 0, 1, 1, 0] },
        { "7x7 stride2 pad3 (stem)", [2, 3, 15, 13, 8, 7, 2, 3, 1, 1, 0] },
        { "channel multiplier (groups=C, K=2C)", [2, 3, 7, 9, 6, 3, 1, 1, 1, 3, 1] },
        { "N=1 large-ish, several chunks", [1, 40, 33, 35, 24, 3, 1, 1, 1, 1, 1] },
        // backward-weight picks the 16-wide kernel for K <= 16 filters and the 32-wide one above: both sides of the edge
        { "K=16, stride2 (yolov8n stem: 16-wide backward-weight kernel)", [3, 3, 20, 18, 16, 3, 2, 1, 1, 1, 0] },
        { "K=17 (just past the 16-wide kernel)", [2, 5, 9, 11, 17, 3, 1, 1, 1, 1, 1] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackward_MatchReference(string name, int[] p)
    {
        int n = p[0], c = p[1], h = p[2], w = p[3], k = p[4], rs = p[5], stride = p[6], pad = p[7], dilation = p[8], groups = p[9];
        bool withBias = p[10] != 0;
        var geo = new Conv2dGeometry(n, c, h, w, k, rs, rs, stride, stride, pad, pad, dilation, dilation, groups);
        var refGeo = new RefConvGeometry(n, c, h, w, k, rs, rs, stride, stride, pad, pad, dilation, dilation, groups);
        Assert.Equal(geo.OutH, refGeo.OutH);
        Assert.Equal(geo.OutW, refGeo.OutW);

        var x = GemmVsReferenceTests.Random(geo.InputCount, 1);
        var wt = GemmVsReferenceTests.Random(geo.WeightCount, 2);
        var b = withBias ? GemmVsReferenceTests.Random(k, 3) : null;
        var dy = GemmVsReferenceTests.Random(geo.OutputCount, 4);

        var yRef = new float[geo.OutputCount];
        var dxRef = new float[geo.InputCount];
        var dwRef = new float[geo.WeightCount];
        var dbRef = new float[k];
        ReferenceConv.Forward(refGeo, x, wt, b, yRef);
        ReferenceConv.BackwardData(refGeo, dy, wt, dxRef);
        ReferenceConv.BackwardWeight(refGeo, x, dy, dwRef, withBias ? dbRef : null);

        CpuKernelCollection.ForEachKernel(kernel =>
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var cpu = new CpuBackend(threads);
                var X = Up(cpu, x); var Wt = Up(cpu, wt); var DY = Up(cpu, dy);
                var B = b is null ? null : Up(cpu, b);
                var Y = Garbage(cpu, geo.OutputCount);
                var DX = Garbage(cpu, geo.InputCount);   // backward ops overwrite: garbage must not leak in
                var DW = Garbage(cpu, geo.WeightCount);
                var DB = withBias ? Garbage(cpu, k) : null;

                cpu.Conv2dForward(geo, X, Wt, B, Y);
                cpu.Conv2dBackwardData(geo, DY, Wt, DX);
                cpu.Conv2dBackwardWeight(geo, X, DY, DW, DB);

                string what = $"{name} [{kernel}] threads={threads}";
                GemmVsReferenceTests.AssertClose(yRef, Down(cpu, Y, geo.OutputCount), what + " forward");
                GemmVsReferenceTests.AssertClose(dxRef, Down(cpu, DX, geo.InputCount), what + " backward-data");
                GemmVsReferenceTests.AssertClose(dwRef, Down(cpu, DW, geo.WeightCount), what + " backward-weight");
                if (DB is not null) GemmVsReferenceTests.AssertClose(dbRef, Down(cpu, DB, k), what + " bias grad");
                cpu.Dispose();
            }
        });
    }

    /// <summary>Backward-weight reduces over the batch through fixed partials: 1, 2 and 3 threads agree bitwise.</summary>
    [Fact]
    public void BackwardWeight_IsBitwiseIndependentOfThreadCount()
    {
        var geo = new Conv2dGeometry(5, 6, 11, 10, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        var x = GemmVsReferenceTests.Random(geo.InputCount, 7);
        var dy = GemmVsReferenceTests.Random(geo.OutputCount, 8);
        CpuKernelCollection.ForEachKernel(_ =>
        {
            float[]? first = null, firstDb = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var cpu = new CpuBackend(threads);
                var DW = cpu.Allocate(geo.WeightCount); var DB = cpu.Allocate(geo.K);
                cpu.Conv2dBackwardWeight(geo, Up(cpu, x), Up(cpu, dy), DW, DB);
                var dw = Down(cpu, DW, geo.WeightCount); var db = Down(cpu, DB, geo.K);
                if (first is null) { first = dw; firstDb = db; }
                else { Assert.Equal(first, dw); Assert.Equal(firstDb, db); }
            }
        });
    }

    /// <summary>
    /// Column buffers come from the pool: a repeated call makes no fresh native allocation. One thread, because
    /// with several the number of buffers rented at once depends on how many workers happen to overlap.
    /// </summary>
    [Fact]
    public void RepeatedCalls_ReuseColumnBuffers()
    {
        var geo = new Conv2dGeometry(2, 8, 12, 12, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        var cpu = new CpuBackend(1);
        var X = Up(cpu, GemmVsReferenceTests.Random(geo.InputCount, 1));
        var Wt = Up(cpu, GemmVsReferenceTests.Random(geo.WeightCount, 2));
        var Y = cpu.Allocate(geo.OutputCount); var DX = cpu.Allocate(geo.InputCount); var DW = cpu.Allocate(geo.WeightCount);
        void Step()
        {
            cpu.Conv2dForward(geo, X, Wt, null, Y);
            cpu.Conv2dBackwardData(geo, Y, Wt, DX);
            cpu.Conv2dBackwardWeight(geo, X, Y, DW, null);
        }
        for (int i = 0; i < 3; i++) Step();
        long before = cpu.Pool.FreshAllocations;
        for (int i = 0; i < 3; i++) Step();
        Assert.Equal(before, cpu.Pool.FreshAllocations);
    }

    private static Storage Up(CpuBackend cpu, float[] data)
    {
        var s = cpu.Allocate(data.Length);
        cpu.Upload<float>(data, s);
        return s;
    }

    private static Storage Garbage(CpuBackend cpu, long count)
    {
        var s = cpu.Allocate(count);
        var nan = new float[count];
        Array.Fill(nan, float.NaN);
        cpu.Upload<float>(nan, s);
        return s;
    }

    private static float[] Down(CpuBackend cpu, Storage s, long count)
    {
        var a = new float[count];
        cpu.Download<float>(s, a);
        return a;
    }
}
