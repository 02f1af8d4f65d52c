using System.Xml.Linq;

namespace VisionCuda.Backends.Tests.Contract;

/// <summary>
/// The naive references are an oracle for tests and benchmarks only (conventions.md): no product project under src/
/// other than VisionCuda.Reference itself may reference it, so a fast path can never quietly call its own oracle.
/// Checked on the csproj files (ProjectReference) and on the built product assemblies next to this test's.
/// </summary>
public sealed class ReferenceIsolationTests
{
    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "VisionCuda.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("VisionCuda.sln not found above the test's folder");
    }

    [Fact]
    public void NoProductProjectReferencesTheReference()
    {
        var offenders = new List<string>();
        foreach (var csproj in Directory.GetFiles(Path.Combine(RepoRoot(), "src"), "*.csproj", SearchOption.AllDirectories))
        {
            // VisionCuda.Bench is the measuring tool behind `visioncuda bench` and benchmarks/: it checks every kernel
            // variant against the oracle before timing it (llm.c's dev/cuda habit), which is its purpose, not a fast path.
            if (Path.GetFileNameWithoutExtension(csproj) is "VisionCuda.Reference" or "VisionCuda.Bench") continue;
            var refs = XDocument.Load(csproj).Descendants().Where(e => e.Name.LocalName == "ProjectReference")
                .Select(e => (string?)e.Attribute("Include") ?? "");
            if (refs.Any(r => r.Replace('\\', '/').EndsWith("VisionCuda.Reference.csproj", StringComparison.OrdinalIgnoreCase)))
                offenders.Add(Path.GetFileName(csproj));
        }
        Assert.True(offenders.Count == 0, $"product projects referencing VisionCuda.Reference: {string.Join(", ", offenders)}");
    }

    [Fact]
    public void NoLoadedProductAssemblyReferencesTheReference()
    {
        var product = new[] { typeof(IBackend).Assembly, typeof(Cuda.CudaBackend).Assembly, typeof(Ilgpu.IlgpuBackend).Assembly };
        var offenders = product.Where(a => a.GetReferencedAssemblies().Any(n => n.Name == "VisionCuda.Reference")).Select(a => a.GetName().Name);
        Assert.Empty(offenders);
    }
}
