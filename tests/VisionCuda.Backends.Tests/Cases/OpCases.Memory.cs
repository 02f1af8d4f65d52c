using VisionCuda.Backends.Tests.Harness;
using VisionCuda.Cuda;
using VisionCuda.Reference;

namespace VisionCuda.Backends.Tests.Cases;

// memory and copies: the Cuda suite's cases (shapes off the 256-thread and 128x128-tile multiples), device vs Cpu backend,
// with the naive reference as the Cpu backend's oracle on the cpu row.
public static partial class OpCases
{
    private static void AddMemory(List<OpCase> list)
    {
        void Add(string name, string[] covers, Action<OpContext> run) => list.Add(new OpCase(name, covers, false, run));

        Add("fill", ["Fill"], t =>
        {
            var y = t.Out(1037);
            t.Device.Fill(y.D, 2.5f);
            t.Cpu.Fill(y.C, 2.5f);
            t.Exact(y, "fill");
        });
        foreach (bool acc in new[] { false, true })
            Add($"copy_blocks(accumulate={acc})", ["CopyBlocks"], t =>
            {
                var src = t.Pair(t.Uniform(7 * 53));
                var dst = t.Pair(t.Uniform(9 * 61));
                t.Device.CopyBlocks(src.D, 3, 53, dst.D, 5, 61, 6, 41, acc);
                t.Cpu.CopyBlocks(src.C, 3, 53, dst.C, 5, 61, 6, 41, acc);
                t.Elementwise(dst, "copy_blocks");
            });
        Add("permute", ["Permute"], t =>
        {
            int[] shape = { 3, 5, 7, 11 };
            int[] perm = { 2, 0, 3, 1 };
            var x = t.Pair(t.Uniform(3 * 5 * 7 * 11));
            var y = t.Out(3 * 5 * 7 * 11);
            t.Device.Permute(x.D, shape, perm, y.D);
            t.Cpu.Permute(x.C, shape, perm, y.C);
            t.Exact(y, "permute");
        });
    }
}
