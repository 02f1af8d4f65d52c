using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// GEMM: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddGemm(List<OpCase> list)
    {
        void Add(string name, Action<OpContext> run) => list.Add(new OpCase(name, ["Gemm"], false, run));

        foreach (bool cublas in new[] { true, false })
            foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
                Add($"gemm(transA={ta},transB={tb},cublas={cublas})", t =>
                {
                    SetCublas(t, cublas);
                    const int m = 67, n = 45, k = 133, batch = 3;
                    var a = t.Pair(t.Uniform(batch * m * k + 5));
                    var b = t.Pair(t.Uniform(batch * k * n + 3));
                    var c = t.Pair(t.Uniform(batch * m * n + 2));
                    t.Device.Gemm(ta, tb, m, n, k, 0.7f, a.D, 5, m * k, b.D, 3, k * n, 0.3f, c.D, 2, m * n, batch);
                    t.Cpu.Gemm(ta, tb, m, n, k, 0.7f, a.C, 5, m * k, b.C, 3, k * n, 0.3f, c.C, 2, m * n, batch);
                    t.Reduction(c, "gemm");
                    // shared A (stride 0), beta 0 over garbage C
                    var c2 = t.Out(batch * m * n);
                    t.Device.Gemm(ta, tb, m, n, k, 1f, a.D, 0, 0, b.D, 0, k * n, 0f, c2.D, 0, m * n, batch);
                    t.Cpu.Gemm(ta, tb, m, n, k, 1f, a.C, 0, 0, b.C, 0, k * n, 0f, c2.C, 0, m * n, batch);
                    t.Reduction(c2, "gemm stride-0 A, beta 0");
                    SetCublas(t, true);
                });

        foreach (var (ta, tb) in new[] { (false, false), (true, true), (false, true) })
            Add($"gemm(split-k,transA={ta},transB={tb},cublas=False)", t =>
            {
                // a 1-tile C with a long k takes the deterministic split-K path of the own kernel (with a k remainder)
                SetCublas(t, false);
                const int m = 40, n = 50, k = 3001;
                var a = t.Pair(t.Uniform(m * k, 0f, 1f));
                var b = t.Pair(t.Uniform(k * n, 0f, 1f));
                var c = t.Pair(t.Uniform(m * n));
                t.Device.Gemm(ta, tb, m, n, k, 0.5f, a.D, 0, 0, b.D, 0, 0, 0.25f, c.D, 0, 0);
                t.Cpu.Gemm(ta, tb, m, n, k, 0.5f, a.C, 0, 0, b.C, 0, 0, 0.25f, c.C, 0, 0);
                t.Reduction(c, "split-k gemm");
                SetCublas(t, true);
            });
    }
}
