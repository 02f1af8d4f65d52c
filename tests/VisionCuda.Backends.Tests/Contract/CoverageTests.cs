using System.Reflection;
using VisionCuda.Backends.Tests.Cases;

namespace VisionCuda.Backends.Tests.Contract;

/// <summary>
/// Fails when a member of the backend contract has no op case: IBackend (with the interfaces it extends) and every other
/// public interface of VisionCuda.Core in namespace VisionCuda.Backends whose name ends in "Ops" (IDetectionOps, once the
/// detection ops move there). Members are matched by name, as the cases declare them.
/// </summary>
public sealed class CoverageTests
{
    public static IEnumerable<Type> ContractInterfaces() =>
        new[] { typeof(IBackend) }.Concat(typeof(IBackend).GetInterfaces())
            .Concat(typeof(IBackend).Assembly.GetExportedTypes()
                .Where(t => t.IsInterface && t.Namespace == "VisionCuda.Backends" && t.Name.EndsWith("Ops", StringComparison.Ordinal)))
            .Distinct();

    public static IEnumerable<string> ContractMembers() =>
        ContractInterfaces()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => m is PropertyInfo || (m is MethodInfo mi && !mi.IsSpecialName))
            .Select(m => m.Name)
            .Distinct();

    [Fact]
    public void EveryContractMemberHasACase()
    {
        var covered = OpCases.All.SelectMany(c => c.Covers).ToHashSet();
        var missing = ContractMembers().Where(m => !covered.Contains(m)).OrderBy(m => m).ToList();
        Assert.True(missing.Count == 0, $"contract members with no op case: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryDeclaredMemberExists()
    {
        // a case that names a member the contract does not have (a typo, a rename) covers nothing
        var members = ContractMembers().ToHashSet();
        var unknown = OpCases.All.SelectMany(c => c.Covers.Where(m => !members.Contains(m)).Select(m => $"{c.Name}: {m}")).ToList();
        Assert.True(unknown.Count == 0, $"cases declare members the contract does not have: {string.Join("; ", unknown)}");
    }
}
