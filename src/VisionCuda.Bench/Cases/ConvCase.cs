using VisionCuda.Backends;
using VisionCuda.Reference;

namespace VisionCuda.Bench.Cases;

/// <summary>
/// Conv2d forward + backward-data + backward-weight (with bias), as one training step runs them: 3 x 2*N*K*OH*OW*C*R*S
/// flops. Checked against the naive oracle (src/VisionCuda.Reference/ReferenceConv): all of it for shapes under
/// 0.2 GFLOP; on model shapes, forward and backward-data of image 0 and backward-weight of the first 8 filters
/// (over the whole batch) — exact values of the real oracle on a subset, at about 1/8 of the naive cost.
/// </summary>
public sealed class ConvCase : KernelCase
{
    private const double FullCheckFlops = 2e8;
    private readonly Conv2dGeometry _g;
    private float[] _x = null!, _w = null!, _b = null!, _dy = null!;
    private Storage _sx = null!, _sw = null!, _sb = null!, _sdy = null!, _sy = null!, _sdx = null!, _sdw = null!, _sdb = null!;

    public ConvCase(int n, int c, int h, int w, int k, int r, int stride, int pad, string label)
        : this(new Conv2dGeometry(n, c, h, w, k, r, r, stride, stride, pad, pad, 1, 1, 1), label)
    {
    }

    private ConvCase(Conv2dGeometry g, string label)
        : base("conv", $"{g.N}x{g.C}x{g.H}x{g.W} k{g.K} {g.R}x{g.S}{(g.StrideH > 1 ? " s" + g.StrideH : "")} {label}".TrimEnd(),
               3 * g.ForwardFlops, WorkUnit.Flops) => _g = g;

    public Conv2dGeometry Geometry => _g;

    protected override void Allocate()
    {
        _x = Uniform(_g.InputCount, 3);
        _w = Uniform(_g.WeightCount, 4, -0.2f, 0.2f);
        _b = Uniform(_g.K, 5);
        _dy = Uniform(_g.OutputCount, 6);
        _sx = Up(_x);
        _sw = Up(_w);
        _sb = Up(_b);
        _sdy = Up(_dy);
        _sy = Alloc(_g.OutputCount);
        _sdx = Alloc(_g.InputCount);
        _sdw = Alloc(_g.WeightCount);
        _sdb = Alloc(_g.K);
    }

    public override void Run()
    {
        Backend.Conv2dForward(_g, _sx, _sw, _sb, _sy);
        Backend.Conv2dBackwardData(_g, _sdy, _sw, _sdx);
        Backend.Conv2dBackwardWeight(_g, _sx, _sdy, _sdw, _sdb);
    }

    public override CheckResult Check()
    {
        Run();
        var y = Down(_sy, _g.OutputCount);
        var dx = Down(_sdx, _g.InputCount);
        var dw = Down(_sdw, _g.WeightCount);
        var db = Down(_sdb, _g.K);
        bool full = Work < FullCheckFlops;
        int nRef = full ? _g.N : 1, kRef = full ? _g.K : Math.Min(_g.K, 8);
        long inPer = (long)_g.C * _g.H * _g.W, outPer = (long)_g.K * _g.OutH * _g.OutW, plane = (long)_g.OutH * _g.OutW;

        // forward and backward-data on the first nRef images
        var g1 = Ref(nRef, _g.K);
        var ry = new float[nRef * outPer];
        ReferenceConv.Forward(g1, _x[..(int)(nRef * inPer)], _w, _b, ry);
        var rdx = new float[nRef * inPer];
        ReferenceConv.BackwardData(g1, _dy[..(int)(nRef * outPer)], _w, rdx);

        // backward-weight of the first kRef filters over the whole batch: dy restricted to those channels
        var gk = Ref(_g.N, kRef);
        var dySub = new float[_g.N * kRef * plane];
        for (int n = 0; n < _g.N; n++)
            Array.Copy(_dy, n * outPer, dySub, n * kRef * plane, kRef * plane);
        long wPer = (long)_g.CPerGroup * _g.R * _g.S;
        var rdw = new float[kRef * wPer];
        var rdb = new float[kRef];
        ReferenceConv.BackwardWeight(gk, _x, dySub, rdw, rdb);

        return CheckResult.Combine(
            Compare.Check("y", y.AsSpan(0, ry.Length), ry, Compare.ReductionRtol),
            Compare.Check("dx", dx.AsSpan(0, rdx.Length), rdx, Compare.ReductionRtol),
            Compare.Check("dw", dw.AsSpan(0, rdw.Length), rdw, Compare.ReductionRtol),
            Compare.Check("dbias", db.AsSpan(0, kRef), rdb, Compare.ReductionRtol));
    }

    private RefConvGeometry Ref(int n, int k) => new(n, _g.C, _g.H, _g.W, k, _g.R, _g.S, _g.StrideH, _g.StrideW,
        _g.PadH, _g.PadW, _g.DilationH, _g.DilationW, _g.Groups);
}
