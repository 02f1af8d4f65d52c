using System.Diagnostics;
using System.Globalization;
using VisionCuda.Backends;
using VisionCuda.Cpu;

namespace VisionCuda.TrainBench;

/// <summary>
/// The conv layers that dominate a yolov8n step at imgsz 320 (see --profile), timed one by one on the Cpu backend:
/// forward, backward-data, backward-weight at the batch size, median of a few runs each. The PyTorch side is
/// benchmarks/pytorch/yolov8n_conv_shapes.py with the same list (<see cref="Shapes"/>), so that each layer's ratio
/// says which direction to work on.
/// </summary>
public static class ConvShapesBench
{
    /// <summary>(C, H=W, K, kernel, stride) at imgsz 320; the same list is in yolov8n_conv_shapes.py.</summary>
    public static readonly (int C, int H, int K, int R, int S)[] Shapes =
    {
        (3, 320, 16, 3, 2), (16, 160, 32, 3, 2), (16, 80, 16, 3, 1), (32, 80, 64, 3, 2), (32, 40, 32, 3, 1),
        (64, 40, 64, 3, 1), (64, 40, 128, 3, 2), (64, 20, 64, 3, 1), (128, 20, 64, 3, 1), (128, 10, 128, 3, 1),
        (256, 10, 64, 3, 1), (64, 40, 64, 1, 1), (192, 40, 64, 1, 1), (384, 10, 256, 1, 1),
    };

    public static unsafe void Run(CpuBackend backend, int batch, int reps)
    {
        Console.WriteLine("ours conv ms (median):      layer                        fwd     bwdX    bwdW");
        foreach (var (c, h, k, r, s) in Shapes)
        {
            var g = new Conv2dGeometry(batch, c, h, h, k, r, r, s, s, r / 2, r / 2, 1, 1, 1);
            var rng = new System.Random(1);
            Storage Rand(long n)
            {
                var st = backend.Allocate(n);
                var a = new float[n];
                for (long i = 0; i < n; i++) a[i] = rng.NextSingle() - 0.5f;
                backend.Upload<float>(a, st);
                return st;
            }
            var x = Rand(g.InputCount);
            var w = Rand(g.WeightCount);
            var dy = Rand(g.OutputCount);
            var y = backend.Allocate(g.OutputCount);
            var dx = backend.Allocate(g.InputCount);
            var dw = backend.Allocate(g.WeightCount);
            double Time(Action a)
            {
                a();
                var t = new List<double>();
                for (int i = 0; i < reps; i++)
                {
                    var sw = Stopwatch.StartNew();
                    a();
                    t.Add(sw.Elapsed.TotalMilliseconds);
                }
                t.Sort();
                return t[t.Count / 2];
            }
            double f = Time(() => backend.Conv2dForward(g, x, w, null, y));
            double bx = Time(() => backend.Conv2dBackwardData(g, dy, w, dx));
            double bw = Time(() => backend.Conv2dBackwardWeight(g, x, dy, dw, null));
            string label = $"  {r}x{r}/s{s} {c}->{k} {h}x{h}";
            Console.WriteLine(label.PadRight(48) + string.Create(CultureInfo.InvariantCulture, $"{f,8:F2} {bx,8:F2} {bw,8:F2}"));
            foreach (var st in new[] { x, w, dy, y, dx, dw }) st.Release();
        }
    }

    /// <summary>SPPF's 5x5 stride-1 max pool on the P5 map (batch x 128 x 10 x 10 at imgsz 320): median ms of the forward.</summary>
    public static void RunPool(CpuBackend backend, int batch, int reps)
    {
        var g = new Pool2dGeometry(batch, 128, 10, 10, 5, 5, 1, 1, 2, 2);
        var x = backend.Allocate(g.N * 128L * 100);
        var a = new float[x.Count];
        var rng = new System.Random(2);
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextSingle();
        backend.Upload<float>(a, x);
        var y = backend.Allocate(x.Count);
        var idx = backend.Allocate(x.Count, DType.Int32);
        var t = new List<double>();
        for (int i = 0; i <= reps; i++)
        {
            var sw = Stopwatch.StartNew();
            backend.MaxPool2dForward(g, x, y, idx);
            if (i > 0) t.Add(sw.Elapsed.TotalMilliseconds);
        }
        t.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"maxpool 5x5/s1 {batch}x128x10x10: {t[t.Count / 2]:F3} ms (median of {reps})"));
        foreach (var st in new[] { x, y, idx }) st.Release();
    }
}
