using VisionCuda.Backends;
using VisionCuda.Reference;

namespace VisionCuda.Bench.Cases;

/// <summary>y = a + b over <c>count</c> floats: 3 x 4 bytes per element (read a, b; write y).</summary>
public sealed class AddCase(long count, string label = "")
    : KernelCase("add", $"{count}{(label.Length > 0 ? " " + label : "")}", 12.0 * count, WorkUnit.Bytes)
{
    private float[] _a = null!, _b = null!;
    private Storage _sa = null!, _sb = null!, _sy = null!;
    private readonly BroadcastPlan _plan = BroadcastPlan.Create(new[] { (int)count }, new[] { (int)count });

    protected override void Allocate()
    {
        _a = Uniform(count, 7);
        _b = Uniform(count, 8);
        _sa = Up(_a);
        _sb = Up(_b);
        _sy = Alloc(count);
    }

    public override void Run() => Backend.Binary(BinaryOp.Add, _sa, _sb, _sy, _plan);

    public override CheckResult Check()
    {
        Run();
        return Compare.Check("y", Down(_sy, count), ReferenceElementwise.Add(_a, _b), Compare.ElementwiseRtol);
    }
}

/// <summary>y = x * sigmoid(x) over <c>count</c> floats: 2 x 4 bytes per element.</summary>
public sealed class SiluCase(long count, string label = "")
    : KernelCase("silu", $"{count}{(label.Length > 0 ? " " + label : "")}", 8.0 * count, WorkUnit.Bytes)
{
    private float[] _x = null!;
    private Storage _sx = null!, _sy = null!;

    protected override void Allocate()
    {
        _x = Uniform(count, 9, -6f, 6f);
        _sx = Up(_x);
        _sy = Alloc(count);
    }

    public override void Run() => Backend.Unary(UnaryOp.Silu, _sx, _sy, count);

    public override CheckResult Check()
    {
        Run();
        return Compare.Check("y", Down(_sy, count), ReferenceElementwise.Silu(_x), Compare.ElementwiseRtol);
    }
}

/// <summary>
/// Training batch-norm forward + backward over [n, c, hw] (momentum 0.1, eps 1e-5). Bytes: the minimal traffic
/// of 5 tensors of n*c*hw floats (forward reads x, writes y; backward reads x and dy, writes dx).
/// </summary>
public sealed class BatchNormCase(int n, int c, int h, int w, string label)
    : KernelCase("bn", $"{n}x{c}x{h}x{w} {label}".TrimEnd(), 5.0 * 4 * n * c * h * w, WorkUnit.Bytes)
{
    private readonly int _hw = h * w;
    private float[] _x = null!, _dy = null!, _gamma = null!, _beta = null!, _rm = null!, _rv = null!;
    private Storage _sx = null!, _sdy = null!, _sg = null!, _sbeta = null!, _sy = null!, _smean = null!, _sinv = null!,
        _srm = null!, _srv = null!, _sdx = null!, _sdg = null!, _sdb = null!;

    private long Count => (long)n * c * _hw;

    protected override void Allocate()
    {
        _x = Uniform(Count, 10, -2f, 3f);
        _dy = Uniform(Count, 11);
        _gamma = Uniform(c, 12, 0.5f, 1.5f);
        _beta = Uniform(c, 13);
        _rm = new float[c];
        _rv = Enumerable.Repeat(1f, c).ToArray();
        _sx = Up(_x);
        _sdy = Up(_dy);
        _sg = Up(_gamma);
        _sbeta = Up(_beta);
        _srm = Up(_rm);
        _srv = Up(_rv);
        _sy = Alloc(Count);
        _sdx = Alloc(Count);
        _smean = Alloc(c);
        _sinv = Alloc(c);
        _sdg = Alloc(c);
        _sdb = Alloc(c);
    }

    public override void Run()
    {
        Backend.BatchNormTrain(_sx, _sg, _sbeta, _sy, _smean, _sinv, _srm, _srv, n, c, _hw, 0.1f, 1e-5f);
        Backend.BatchNormBackward(_sx, _sdy, _sg, _smean, _sinv, _sdx, _sdg, _sdb, n, c, _hw);
    }

    public override CheckResult Check()
    {
        Backend.Upload<float>(_rm, _srm);
        Backend.Upload<float>(_rv, _srv);
        Run();
        var (y, mean, inv, rm, rv) = ReferenceNorm.BatchNormTrain(_x, _gamma, _beta, _rm, _rv, n, c, _hw, 0.1f, 1e-5f);
        var (dx, dg, db) = ReferenceNorm.BatchNormBackward(_x, _dy, _gamma, mean, inv, n, c, _hw);
        return CheckResult.Combine(
            Compare.Check("y", Down(_sy, Count), y, Compare.ReductionRtol),
            Compare.Check("mean", Down(_smean, c), mean, Compare.ReductionRtol),
            Compare.Check("invstd", Down(_sinv, c), inv, Compare.ReductionRtol),
            Compare.Check("running_mean", Down(_srm, c), rm, Compare.ReductionRtol),
            Compare.Check("running_var", Down(_srv, c), rv, Compare.ReductionRtol),
            Compare.Check("dx", Down(_sdx, Count), dx, Compare.ReductionRtol),
            Compare.Check("dgamma", Down(_sdg, c), dg, Compare.ReductionRtol),
            Compare.Check("dbeta", Down(_sdb, c), db, Compare.ReductionRtol));
    }
}

/// <summary>
/// Cross-entropy (mean) forward + backward over logits [n, classes], as F.CrossEntropy runs it: log-softmax, NLL,
/// NLL backward, log-softmax backward. Bytes: 6 tensors of n*classes floats (x, log-probs; dlogp written;
/// log-probs, dlogp read and dx written by the softmax backward).
/// </summary>
public sealed class SoftmaxCrossEntropyCase(int n, int classes)
    : KernelCase("softmax", $"{n}x{classes} cross-entropy fwd+bwd", 6.0 * 4 * n * classes, WorkUnit.Bytes)
{
    private float[] _x = null!;
    private int[] _t = null!;
    private Storage _sx = null!, _st = null!, _slogp = null!, _sloss = null!, _sws = null!, _sdl = null!, _sdlogp = null!, _sdx = null!;

    protected override void Allocate()
    {
        _x = Uniform((long)n * classes, 14, -4f, 4f);
        _t = new int[n];
        for (int i = 0; i < n; i++) _t[i] = (int)((i * 7919L) % classes);
        _sx = Up(_x);
        _st = Up(_t);
        _slogp = Alloc((long)n * classes);
        _sloss = Alloc(n);
        _sws = Alloc(n);
        _sdl = Up(Enumerable.Repeat(1f / n, n).ToArray()); // d(mean)/d(loss_i)
        _sdlogp = Alloc((long)n * classes);
        _sdx = Alloc((long)n * classes);
    }

    public override void Run()
    {
        Backend.Softmax(_sx, _slogp, n, classes, 1, log: true);
        Backend.NllLoss(_slogp, _st, null, _sloss, _sws, n, classes, 1, 0f, -100);
        Backend.NllLossBackward(_st, null, _sdl, _sdlogp, n, classes, 1, 0f, -100);
        Backend.SoftmaxBackward(_slogp, _sdlogp, _sdx, n, classes, 1, log: true);
    }

    public override CheckResult Check()
    {
        Run();
        var (logp, loss, dx) = ReferenceLoss.CrossEntropy(_x, _t, n, classes);
        return CheckResult.Combine(
            Compare.Check("log_softmax", Down(_slogp, (long)n * classes), logp, Compare.ReductionRtol),
            Compare.Check("loss", Down(_sloss, n), loss, Compare.ReductionRtol),
            Compare.Check("dlogits", Down(_sdx, (long)n * classes), dx, Compare.ReductionRtol));
    }
}

/// <summary>
/// Fused SGD step (momentum 0.9, weight decay 5e-4, not the first step) over <c>count</c> parameters.
/// Bytes: 5 x 4 per parameter (read param, grad, buffer; write param, buffer).
/// </summary>
public sealed class SgdCase(long count, string label = "")
    : KernelCase("sgd", $"{count}{(label.Length > 0 ? " " + label : "")}", 20.0 * count, WorkUnit.Bytes)
{
    private float[] _p = null!, _g = null!, _buf = null!;
    private Storage _sp = null!, _sg = null!, _sbuf = null!;

    protected override void Allocate()
    {
        _p = Uniform(count, 15);
        _g = Uniform(count, 16, -0.1f, 0.1f);
        _buf = Uniform(count, 17, -0.1f, 0.1f);
        _sp = Up(_p);
        _sg = Up(_g);
        _sbuf = Up(_buf);
    }

    public override void Run() => Backend.SgdStep(_sp, _sg, _sbuf, count, 0.01f, 0.9f, 5e-4f, false, false);

    public override CheckResult Check()
    {
        Backend.Upload<float>(_p, _sp);
        Backend.Upload<float>(_buf, _sbuf);
        Run();
        var (p, buf) = ReferenceOptim.Sgd(_p, _g, _buf, 0.01f, 0.9f, 5e-4f, false);
        return CheckResult.Combine(
            Compare.Check("param", Down(_sp, count), p, Compare.ElementwiseRtol),
            Compare.Check("momentum_buffer", Down(_sbuf, count), buf, Compare.ElementwiseRtol));
    }
}

/// <summary>
/// Fused AdamW step (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.01, step 10) over <c>count</c> parameters.
/// Bytes: 7 x 4 per parameter (read param, grad, m, v; write param, m, v).
/// </summary>
public sealed class AdamWCase(long count, string label = "")
    : KernelCase("adamw", $"{count}{(label.Length > 0 ? " " + label : "")}", 28.0 * count, WorkUnit.Bytes)
{
    private float[] _p = null!, _g = null!, _m = null!, _v = null!;
    private Storage _sp = null!, _sg = null!, _sm = null!, _sv = null!;

    protected override void Allocate()
    {
        _p = Uniform(count, 18);
        _g = Uniform(count, 19, -0.1f, 0.1f);
        _m = Uniform(count, 20, -0.01f, 0.01f);
        _v = Uniform(count, 21, 0f, 1e-3f);
        _sp = Up(_p);
        _sg = Up(_g);
        _sm = Up(_m);
        _sv = Up(_v);
    }

    public override void Run() => Backend.AdamStep(_sp, _sg, _sm, _sv, count, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 10);

    public override CheckResult Check()
    {
        Backend.Upload<float>(_p, _sp);
        Backend.Upload<float>(_m, _sm);
        Backend.Upload<float>(_v, _sv);
        Run();
        var (p, m, v) = ReferenceOptim.AdamW(_p, _g, _m, _v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 10);
        return CheckResult.Combine(
            Compare.Check("param", Down(_sp, count), p, Compare.ElementwiseRtol),
            Compare.Check("exp_avg", Down(_sm, count), m, Compare.ElementwiseRtol),
            Compare.Check("exp_avg_sq", Down(_sv, count), v, Compare.ElementwiseRtol));
    }
}
