using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// elementwise: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddElementwise(List<OpCase> list)
    {
        void Add(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase(name, covers, false, run));

        foreach (var op in Enum.GetValues<UnaryOp>())
        {
            Add($"unary({op})", ["Unary", "UnaryBackward"], t =>
            {
                const int n = 1037;
                bool positive = op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Pow or UnaryOp.Reciprocal;
                var xs = positive ? t.Uniform(n, 0.1f, 3f) : t.Uniform(n, -5f, 5f);
                (float a, float b) = op switch
                {
                    UnaryOp.LeakyRelu => (0.1f, 0f),
                    UnaryOp.Pow => (2.5f, 0f),
                    UnaryOp.Clamp => (-1.5f, 2f),
                    UnaryOp.Affine => (1.7f, -0.3f),
                    _ => (0f, 0f),
                };
                var x = t.Pair(xs);
                var y = t.Out(n);
                t.Device.Unary(op, x.D, y.D, n, a, b);
                t.Cpu.Unary(op, x.C, y.C, n, a, b);
                t.Elementwise(y, $"unary {op}");
                var dy = t.Pair(t.Uniform(n));
                var dx = t.Out(n);
                // both backwards read the Cpu forward output, so only the backward formula is compared
                var yRef = t.Pair(OpContext.Get(t.Cpu, y.C));
                t.Device.UnaryBackward(op, x.D, yRef.D, dy.D, dx.D, n, a, b);
                t.Cpu.UnaryBackward(op, x.C, yRef.C, dy.C, dx.C, n, a, b);
                t.Elementwise(dx, $"unary backward {op}");
            });
        }
        foreach (var op in Enum.GetValues<BinaryOp>())
        {
            foreach (var (sa, sb) in new[] { (new[] { 5, 7, 31 }, new[] { 5, 7, 31 }), (new[] { 5, 7, 31 }, new[] { 1 }), (new[] { 3, 1, 5, 7 }, new[] { 4, 1, 7 }), (new[] { 1, 9 }, new[] { 13, 1 }) })
            {
                Add($"binary({op},[{string.Join(",", sa)}]x[{string.Join(",", sb)}])", ["Binary"], t =>
                {
                    var plan = BroadcastPlan.Create(sa, sb);
                    var a = t.Pair(t.Uniform(Shapes.Numel(sa), -2f, 2f));
                    var bData = t.Uniform(Shapes.Numel(sb), 0.5f, 2f); // away from 0 for Div
                    var b = t.Pair(bData);
                    var y = t.Out(plan.Count);
                    t.Device.Binary(op, a.D, b.D, y.D, plan);
                    t.Cpu.Binary(op, a.C, b.C, y.C, plan);
                    t.Elementwise(y, $"binary {op}");
                });
            }
        }
        Add("axpy", ["Axpy"], t =>
        {
            var a = t.Pair(t.Uniform(1037));
            var b = t.Pair(t.Uniform(1037));
            t.Device.Axpy(a.D, b.D, a.D, 1037, -0.37f);
            t.Cpu.Axpy(a.C, b.C, a.C, 1037, -0.37f);
            t.Elementwise(a, "axpy in place");
        });
    }
}
