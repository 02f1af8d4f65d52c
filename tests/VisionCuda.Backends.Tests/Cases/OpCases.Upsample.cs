using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// upsample: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddUpsample(List<OpCase> list)
    {
        void Add(string name, Action<OpContext> run) => list.Add(new OpCase(name, ["Upsample", "UpsampleBackward"], false, run));

        foreach (var mode in Enum.GetValues<InterpolationMode>())
            foreach (bool align in new[] { false, true })
                foreach (var (h, w, oh, ow) in new[] { (5, 7, 10, 14), (7, 6, 17, 9), (9, 11, 4, 5), (1, 3, 3, 7) })
                {
                    if (mode == InterpolationMode.Nearest && align) continue;
                    Add($"upsample({mode},align={align},{h}x{w}->{oh}x{ow})", t =>
                    {
                        const long planes = 3;
                        var x = t.Pair(t.Uniform(planes * h * w));
                        var y = t.Out(planes * oh * ow);
                        t.Device.Upsample(mode, align, x.D, y.D, planes, h, w, oh, ow);
                        t.Cpu.Upsample(mode, align, x.C, y.C, planes, h, w, oh, ow);
                        t.Elementwise(y, "upsample");
                        var dy = t.Pair(t.Uniform(planes * oh * ow));
                        var dx = t.Out(planes * h * w);
                        t.Device.UpsampleBackward(mode, align, dy.D, dx.D, planes, h, w, oh, ow);
                        t.Cpu.UpsampleBackward(mode, align, dy.C, dx.C, planes, h, w, oh, ow);
                        t.Reduction(dx, "upsample backward");
                    });
                }
    }
}
