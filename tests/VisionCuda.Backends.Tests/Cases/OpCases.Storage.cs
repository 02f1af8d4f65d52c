using VisionCuda.Backends.Tests.Harness;

namespace VisionCuda.Backends.Tests.Cases;

// The members that are not ops: naming, allocation, transfers both ways (float and int), synchronisation, and the
// lifetime of a backend (a private one, opened and disposed, so the shared rows stay open).
public static partial class OpCases
{
    private static void AddStorage(List<OpCase> list)
    {
        list.Add(new OpCase("storage round trip(float, int32)", ["Name", "Allocate", "Upload", "Download", "Synchronize"], true, t =>
        {
            if (string.IsNullOrWhiteSpace(t.Device.Name)) throw new OpMismatchException("the backend has no name");
            var f = t.Uniform(1037);
            var i = t.Ints(1037, int.MinValue / 2, int.MaxValue / 2);
            var sf = t.Put(t.Device, f);
            var si = t.Put(t.Device, i);
            t.Device.Synchronize();
            t.Check(OpContext.Get(t.Device, sf), f, Tolerances.Exact, "float round trip");
            OpContext.Same(OpContext.GetInts(t.Device, si), i, "int32 round trip");
        }));
        list.Add(new OpCase("capabilities(consistent with the device kind)", ["Capabilities"], true, t =>
        {
            var c = t.Device.Capabilities ?? throw new OpMismatchException("the backend reports no capabilities");
            // Host memory is only possible where the ops run on this machine's cores; a real GPU names its model.
            if (c.HostMemory && !c.RunsOnHost) throw new OpMismatchException("HostMemory without RunsOnHost");
            if (c.RunsOnHost && c.GpuModel is not null) throw new OpMismatchException($"a host backend names a GPU model ({c.GpuModel})");
            if (!c.RunsOnHost && string.IsNullOrWhiteSpace(c.GpuModel)) throw new OpMismatchException("a device backend names no GPU model");
            if (t.IsCpuRow && !(c.HostMemory && !c.DeviceAugment && !c.InterpreterSpeed))
                throw new OpMismatchException("the Cpu backend must report host memory, host augmentation and full speed");
        }));
        list.Add(new OpCase("backend lifetime(open, use, dispose)", ["Dispose"], true, t =>
        {
            if (t.OpenFresh is null) return;
            var b = t.OpenFresh();
            var s = b.Allocate(5);
            b.Upload<float>(new float[] { 1, 2, 3, 4, 5 }, s);
            var back = OpContext.Get(b, s);
            s.Release();
            b.Synchronize();
            b.Dispose();
            t.Check(back, [1, 2, 3, 4, 5], Tolerances.Exact, "fresh backend round trip");
        }));
    }
}
