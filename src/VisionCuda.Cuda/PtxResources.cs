using System.Reflection;

namespace VisionCuda.Cuda;

/// <summary>
/// The PTX embedded at build time by build/Kernels.targets, one resource per kernels/*.cu file and target:
/// <c>kernels/&lt;name&gt;.sm_75.ptx</c> and <c>kernels/&lt;name&gt;.sm_80.ptx</c>.
/// </summary>
public static class PtxResources
{
    private static readonly Assembly Asm = typeof(PtxResources).Assembly;

    public static IReadOnlyList<string> Names => Asm.GetManifestResourceNames()
        .Where(n => n.StartsWith("kernels/", StringComparison.Ordinal) && n.EndsWith(".ptx", StringComparison.Ordinal))
        .OrderBy(n => n, StringComparer.Ordinal).ToArray();

    public static bool Built => Names.Count > 0;

    /// <summary>The best target for a device of compute capability major.minor: sm_80 PTX for 8.0+, else sm_75.</summary>
    public static string TargetFor(int major, int minor) => major >= 8 ? "sm_80" : "sm_75";

    /// <summary>PTX text of one module, falling back to the other target when only one was built.</summary>
    public static byte[] Read(string module, string target)
    {
        if (!Built)
            throw new CudaException("kernels not built: this VisionCuda.Cuda assembly has no embedded PTX. " +
                                    "Build it on a machine with nvcc, clang-19 or clang-14 (see build/Kernels.targets).");
        foreach (var t in new[] { target, "sm_80", "sm_75" })
        {
            using var s = Asm.GetManifestResourceStream($"kernels/{module}.{t}.ptx");
            if (s is null) continue;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        }
        throw new CudaException($"kernels not built: no PTX resource for kernels/{module}.cu (have: {string.Join(", ", Names)})");
    }
}
