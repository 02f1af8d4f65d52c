using System.Text.Json;
using VisionCuda.Reference;
using NmsOps = VisionCuda.Training.Detect.Nms.Nms;

namespace VisionCuda.Training.Tests.Detect.Nms;

// Goldens from tools/goldens/detect_eval/make_nms_goldens.py (torchvision 0.14 nms / batched_nms, CPU).
public class NmsGoldenTests
{
    internal sealed record Case(string Name, string Op, double Iou, float[] Boxes, float[] Scores, int[]? Idxs, int[] Kept, int[]? KeptTorchvisionOrder);

    internal static string EvalData(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Detect", "evaldata", file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"golden {path} missing; regenerate with /usr/bin/python3 tools/goldens/detect_eval/make_nms_goldens.py", path);
        return path;
    }

    internal static readonly Lazy<Dictionary<string, Case>> Cases = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(EvalData("nms_goldens.json")));
        var result = new Dictionary<string, Case>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            static float[] F(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();
            static int[] I(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var name = c.GetProperty("name").GetString()!;
            result[name] = new Case(name, c.GetProperty("op").GetString()!, c.GetProperty("iou").GetDouble(),
                F(c.GetProperty("boxes")), F(c.GetProperty("scores")),
                c.TryGetProperty("idxs", out var idxs) ? I(idxs) : null, I(c.GetProperty("kept")),
                c.TryGetProperty("kept_torchvision_order", out var raw) ? I(raw) : null);
        }
        return result;
    });

    public static IEnumerable<object[]> CaseNames() => Cases.Value.Keys.Select(k => new object[] { k });

    [Fact]
    public void GoldenFileHasTheRequiredKindsOfCases()
    {
        var names = Cases.Value.Keys.ToList();
        Assert.True(names.Count >= 25);
        Assert.Contains(names, n => n.StartsWith("ties_"));
        Assert.Contains(names, n => n.StartsWith("zero_area"));
        Assert.Contains(names, n => n.StartsWith("identical"));
        Assert.Contains(names, n => n.StartsWith("random1000"));
        Assert.Contains(names, n => n.StartsWith("batched") && Cases.Value[n].Scores.Length * 4 <= 4000);
        Assert.Contains(names, n => n.StartsWith("batched") && Cases.Value[n].Scores.Length * 4 > 4000);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FastNmsKeepsExactlyTorchvisionIndices(string name)
    {
        var c = Cases.Value[name];
        int[] kept = c.Op == "nms"
            ? NmsOps.Run(c.Boxes, c.Scores, c.Iou)
            : NmsOps.Batched(c.Boxes, c.Scores, c.Idxs!, c.Iou);
        Assert.Equal(c.Kept, kept);
        AssertSameAsTorchvisionUpToTieOrder(c, kept);
    }

    // Where torchvision's per-class path merged with an unstable sort: same set, same score sequence.
    internal static void AssertSameAsTorchvisionUpToTieOrder(Case c, int[] kept)
    {
        if (c.KeptTorchvisionOrder is null) return;
        Assert.Equal(c.KeptTorchvisionOrder.Order(), kept.Order());
        Assert.Equal(c.KeptTorchvisionOrder.Select(i => c.Scores[i]), kept.Select(i => c.Scores[i]));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ReferenceNmsKeepsExactlyTorchvisionIndices(string name)
    {
        var c = Cases.Value[name];
        int[] kept = c.Op == "nms"
            ? ReferenceNms.Nms(c.Boxes, c.Scores, c.Iou)
            : ReferenceNms.BatchedNms(c.Boxes, c.Scores, c.Idxs!, c.Iou);
        Assert.Equal(c.Kept, kept);
        AssertSameAsTorchvisionUpToTieOrder(c, kept);
    }

    [Fact]
    public void TiesRankTheLowerIndexFirst()
    {
        Assert.Equal(new[] { 0 }, Cases.Value["ties_identical_equal_scores"].Kept);
        Assert.Equal(new[] { 0, 1, 3 }, Cases.Value["ties_chain"].Kept);
        Assert.Equal(Enumerable.Range(0, 8).ToArray(), Cases.Value["ties_disjoint_order"].Kept);
        Assert.Equal(new[] { 0, 1, 3 }, NmsOps.Run(Cases.Value["ties_chain"].Boxes, Cases.Value["ties_chain"].Scores, 0.5f));
    }

    [Fact]
    public void FloatThresholdActsAsItsDecimal()
    {
        // IoU 3/5 is 0.6000000238f: torchvision (double 0.6) suppresses; so must Run(.., 0.6f).
        var c = Cases.Value["iou_three_fifths_at_0.6"];
        Assert.Equal(new[] { 0 }, c.Kept);
        Assert.Equal(c.Kept, NmsOps.Run(c.Boxes, c.Scores, 0.6f));
        Assert.Equal(0.6, NmsOps.DecimalThreshold(0.6f));
        Assert.Equal(0.45, NmsOps.DecimalThreshold(0.45f));
        Assert.Equal(new[] { 0, 1 }, NmsOps.Run(Cases.Value["iou_equal_threshold_half"].Boxes, Cases.Value["iou_equal_threshold_half"].Scores, 0.5f));
    }

    [Fact]
    public void BenchmarkSetKeepsTorchvisionIndices()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(EvalData("nms_bench_kept.json")));
        var root = doc.RootElement;
        var (boxes, scores) = ReferenceNms.BenchmarkSet(root.GetProperty("n").GetInt32());
        // the C# generator reproduces benchset.py bit for bit
        Assert.Equal(root.GetProperty("first_boxes").EnumerateArray().Select(v => v.GetSingle()), boxes.Take(16));
        Assert.Equal(root.GetProperty("first_scores").EnumerateArray().Select(v => v.GetSingle()), scores.Take(4));
        var expected = root.GetProperty("kept").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(expected, NmsOps.Run(boxes, scores, root.GetProperty("iou").GetDouble()));
        Assert.Equal(expected, NmsOps.Run(boxes, scores, (float)root.GetProperty("iou").GetDouble()));

        var c = root.GetProperty("clustered");
        var (cb, cs) = ReferenceNms.BenchmarkSet(root.GetProperty("n").GetInt32(), c.GetProperty("seed").GetUInt32(), clustered: true);
        Assert.Equal(c.GetProperty("first_boxes").EnumerateArray().Select(v => v.GetSingle()), cb.Take(16));
        Assert.Equal(c.GetProperty("first_scores").EnumerateArray().Select(v => v.GetSingle()), cs.Take(4));
        var ckept = c.GetProperty("kept").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(ckept, NmsOps.Run(cb, cs, c.GetProperty("iou").GetDouble()));
    }
}
