using System.Text;
using System.Text.RegularExpressions;

namespace VisionCuda.Cuda.Tests;

/// <summary>
/// Reads the PTX embedded in VisionCuda.Cuda and checks that every kernel the C# side launches exists as a
/// <c>.entry</c> in its module's PTX, for every built target, with exactly the number of parameters and the sizes
/// (and float-ness) that <see cref="KernelTable"/> (the table the launcher checks each launch against) says.
/// </summary>
public partial class PtxEntryTests
{
    [GeneratedRegex(@"\.entry\s+([A-Za-z_][A-Za-z0-9_$]*)\s*\(([^)]*)\)", RegexOptions.Singleline)]
    private static partial Regex EntryRegex();

    [GeneratedRegex(@"\.param\s+\.([busf])(\d+)")]
    private static partial Regex ParamRegex();

    public static Dictionary<string, List<(char Type, int Bytes)>> ParseEntries(string ptx)
    {
        var result = new Dictionary<string, List<(char, int)>>();
        foreach (Match m in EntryRegex().Matches(ptx))
        {
            var ps = new List<(char, int)>();
            foreach (Match p in ParamRegex().Matches(m.Groups[2].Value))
                ps.Add((p.Groups[1].Value[0], int.Parse(p.Groups[2].Value) / 8));
            result[m.Groups[1].Value] = ps;
        }
        return result;
    }

    [Fact]
    public void PtxIsEmbedded()
    {
        Assert.True(PtxResources.Built, "no kernels/*.ptx resources are embedded: the kernels were not built");
        foreach (var module in KernelTable.Modules)
            foreach (var target in new[] { "sm_75", "sm_80" })
                Assert.Contains($"kernels/{module}.{target}.ptx", PtxResources.Names);
    }

    [Fact]
    public void EveryLaunchedKernelHasAMatchingEntry()
    {
        var problems = new List<string>();
        foreach (var target in new[] { "sm_75", "sm_80" })
        {
            foreach (var group in KernelTable.All.GroupBy(k => k.Module))
            {
                var ptx = Encoding.UTF8.GetString(PtxResources.Read(group.Key, target));
                var entries = ParseEntries(ptx);
                foreach (var k in group)
                {
                    if (!entries.TryGetValue(k.Name, out var ps))
                    {
                        problems.Add($"{target} {group.Key}: no .entry {k.Name}");
                        continue;
                    }
                    if (ps.Count != k.Params.Length)
                    {
                        problems.Add($"{target} {k.Name}: PTX has {ps.Count} params, C# passes {k.Params.Length}");
                        continue;
                    }
                    for (int i = 0; i < ps.Count; i++)
                    {
                        int want = KernelTable.SizeOf(k.Params[i]);
                        bool wantFloat = k.Params[i] == ArgKind.F32;
                        if (ps[i].Bytes != want || (ps[i].Type == 'f') != wantFloat)
                            problems.Add($"{target} {k.Name} param {i}: PTX .{ps[i].Type}{ps[i].Bytes * 8}, C# {k.Params[i]} ({want} bytes)");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void ParserReadsClangAndNvccStyles()
    {
        const string ptx = """
            .visible .entry vc_a(
            	.param .u64 vc_a_param_0,
            	.param .f32 vc_a_param_1,
            	.param .u32 vc_a_param_2
            )
            .visible .entry vc_b(
            	.param .u64 .ptr .global .align 4 vc_b_param_0,
            	.param .u64 vc_b_param_1
            )
            """;
        var e = ParseEntries(ptx);
        Assert.Equal(new[] { ('u', 8), ('f', 4), ('u', 4) }, e["vc_a"]);
        Assert.Equal(new[] { ('u', 8), ('u', 8) }, e["vc_b"]);
    }
}
